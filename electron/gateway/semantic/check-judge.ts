import { badRequest } from '../errors';

const MAX_BAND = 0.5;
const MODEL_NAME = /^[^\s\u0000-\u001f]{1,200}$/;
const FIELDS = new Set(['model', 'band']);

/** `semantic.judge` of a project create or patch: null (off), or { model, band? }. */
export function checkJudgeSettings(judge: unknown): void {
  if (judge === undefined || judge === null) return;
  if (typeof judge !== 'object' || Array.isArray(judge)) {
    throw badRequest('semantic.judge must be an object { model, band? }, or null to turn the LLM judge off.', 'semantic.judge');
  }
  const j = judge as Record<string, unknown>;
  const unknown = Object.keys(j).filter((k) => !FIELDS.has(k));
  if (unknown.length > 0) throw badRequest(`semantic.judge has no field ${unknown.map((k) => `"${k}"`).join(', ')}; it takes model and band.`, `semantic.judge.${unknown[0]}`);
  if (typeof j.model !== 'string' || !MODEL_NAME.test(j.model)) {
    throw badRequest('semantic.judge.model must be a model name the gateway routes (a model, provider/model or an alias, e.g. gpt-4o-mini), '
      + 'without spaces, at most 200 characters. Set semantic.judge to null to turn the judge off.', 'semantic.judge.model');
  }
  if (j.band !== undefined && (typeof j.band !== 'number' || !Number.isFinite(j.band) || j.band <= 0 || j.band > MAX_BAND)) {
    throw badRequest(`semantic.judge.band must be a number above 0 and at most ${MAX_BAND}: how far below the strictness threshold a `
      + 'candidate\'s verifier probability may be for the judge to decide (default 0.15).', 'semantic.judge.band');
  }
}
