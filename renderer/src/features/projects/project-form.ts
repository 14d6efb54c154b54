import type { BudgetMode, CachePolicy, Project, ProjectPatch, SemanticJudge, SemanticStrictness } from '../../../../shared/api/dto';

/** Form values as typed: empty means "no cap" / "no limit". */
export interface ProjectForm {
  name: string;
  dailyUsd: string;
  monthlyUsd: string;
  mode: BudgetMode;
  /** downgrade mode: where requests go once a cap is reached */
  downgradeModel: string;
  rpm: string;
  tpm: string;
  concurrency: string;
  cachePolicy: CachePolicy;
  cacheTtlSec: string;
  semanticEnabled: boolean;
  strictness: SemanticStrictness;
  embedder: string;
  allowModelDownload: boolean;
  /** the LLM judge for borderline semantic candidates: empty model = no judge; empty band = the default */
  judgeModel: string;
  judgeBand: string;
  keepBodies: boolean;
}

export function toProjectForm(p: Project): ProjectForm {
  const text = (v: number | null): string => (v === null ? '' : String(v));
  return {
    name: p.name, dailyUsd: text(p.budget.dailyUsd), monthlyUsd: text(p.budget.monthlyUsd), mode: p.budget.mode,
    downgradeModel: p.budget.downgradeModel ?? '',
    rpm: text(p.limits.rpm), tpm: text(p.limits.tpm), concurrency: text(p.limits.concurrency),
    cachePolicy: p.cachePolicy, cacheTtlSec: String(p.cacheTtlSec),
    semanticEnabled: p.semantic.enabled, strictness: p.semantic.strictness, embedder: p.semantic.embedder,
    allowModelDownload: p.semantic.allowModelDownload,
    judgeModel: p.semantic.judge?.model ?? '', judgeBand: p.semantic.judge?.band === undefined ? '' : String(p.semantic.judge.band),
    keepBodies: p.keepBodies,
  };
}

/** Parses the form into a PATCH body, or names the first field that is not a number. */
export function toProjectPatch(f: ProjectForm): { patch: ProjectPatch } | { error: string } {
  const parse = (value: string, label: string, isInteger: boolean): number | null | string => {
    const trimmed = value.trim().replace(/^\$/, '');
    if (trimmed === '') return null;
    const n = Number(trimmed);
    if (!Number.isFinite(n) || n < 0 || (isInteger && !Number.isInteger(n))) {
      return `${label} must be ${isInteger ? 'a whole number' : 'a number'} ≥ 0, or empty for none.`;
    }
    return n;
  };
  const fields = {
    dailyUsd: parse(f.dailyUsd, 'Daily cap', false),
    monthlyUsd: parse(f.monthlyUsd, 'Monthly cap', false),
    rpm: parse(f.rpm, 'Requests per minute', true),
    tpm: parse(f.tpm, 'Tokens per minute', true),
    concurrency: parse(f.concurrency, 'Concurrency', true),
    ttl: parse(f.cacheTtlSec, 'Cache TTL', true),
  };
  for (const v of Object.values(fields)) if (typeof v === 'string') return { error: v };
  const n = fields as Record<keyof typeof fields, number | null>;
  const judge = toJudge(f.judgeModel, f.judgeBand);
  if (typeof judge === 'string') return { error: judge };
  return {
    patch: {
      name: f.name.trim() || undefined,
      budget: { dailyUsd: n.dailyUsd, monthlyUsd: n.monthlyUsd, mode: f.mode, downgradeModel: f.downgradeModel.trim() || null },
      limits: { rpm: n.rpm, tpm: n.tpm, concurrency: n.concurrency },
      cachePolicy: f.cachePolicy,
      cacheTtlSec: n.ttl ?? 0,
      semantic: {
        enabled: f.semanticEnabled, strictness: f.strictness, embedder: f.embedder.trim() || 'auto', allowModelDownload: f.allowModelDownload, judge,
      },
      keepBodies: f.keepBodies,
    },
  };
}

/** The judge fields: no model means no judge; a band, when given, is a number above 0 and at most 0.5. */
function toJudge(model: string, band: string): SemanticJudge | null | string {
  const name = model.trim();
  if (name === '') return null;
  if (band.trim() === '') return { model: name };
  const b = Number(band.trim());
  if (!Number.isFinite(b) || b <= 0 || b > 0.5) return 'Judge band must be a number above 0 and at most 0.5, or empty for the default (0.15).';
  return { model: name, band: b };
}
