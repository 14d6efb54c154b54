// npm run eval:semantic -- --pairs FILE.jsonl [--strictness balanced] [--embedder auto] [--shared] [--held-out]
// Caches each pair's `a` and looks up its `b` through the gateway's own semantic cache (embed worker, index,
// context key, verifier, guards), at the default settings unless flags say otherwise. The last line printed is
// one JSON object: precision, recall (= hitRate), falseHitRate, pairsPerSec, and the counts behind them.
//   default     each pair in its own namespace: the decision on `b` against its own `a`, as the labels mean it
//   --shared    all `a`s share one namespace, so a `b` may also hit another pair's `a`; such a hit counts as
//               false even when that other `a` says the same (datasets like PAWS reuse sentences across pairs)
//   --held-out  only the pairs of the verifier's held-out split (the numbers that were not trained on)
//   --judge-band B  also count the misses an LLM judge with this band would be asked about (no judge is called):
//               borderline pairs by label, and the recall a judge that is always right would reach
//   --judge-model M  with --judge-band: ask that model, as the gateway would, about each of those misses, and print
//               the precision and recall with its verdicts. It is called at --judge-url (default $OPENAI_BASE_URL, else
//               https://api.openai.com/v1; a running Tollgate works too) with $OPENAI_API_KEY
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { SemanticSettings, SemanticStrictness } from '../../shared/api/dto';
import { createEventHub } from '../../electron/gateway/admin/event-hub';
import { buildCacheKey } from '../../electron/gateway/cache/cache-key';
import { createExactCache } from '../../electron/gateway/cache/exact-cache';
import { createLogger } from '../../electron/gateway/log';
import { createProviderSettings } from '../../electron/gateway/providers/provider-settings';
import { buildJudgeBody, readJudgeAnswer } from '../../electron/gateway/semantic/llm-judge';
import { createSemanticCache } from '../../electron/gateway/semantic/semantic-cache';
import { STRICTNESS_LEVELS } from '../../electron/gateway/semantic/verifier';
import { openStore } from '../../electron/gateway/store/db';
import { createCacheRepo } from '../../electron/gateway/store/repos/cache-repo';
import { createSemanticRepo } from '../../electron/gateway/store/repos/semantic-repo';
import { createSettingsRepo } from '../../electron/gateway/store/repos/settings-repo';
import { isHeldOut, readPairs } from './pairs';

const { values: args } = parseArgs({ options: {
  pairs: { type: 'string', multiple: true }, strictness: { type: 'string', default: 'balanced' },
  embedder: { type: 'string', default: 'auto' }, shared: { type: 'boolean', default: false },
  'held-out': { type: 'boolean', default: false }, limit: { type: 'string' }, 'judge-band': { type: 'string' },
  show: { type: 'boolean', default: false }, 'judge-model': { type: 'string' }, 'judge-url': { type: 'string' },
} });
const judgeBand = args['judge-band'] === undefined ? null : Number(args['judge-band']);
if (judgeBand !== null && !(judgeBand > 0 && judgeBand <= 0.5)) throw new Error('--judge-band must be a number above 0 and at most 0.5');
const judgeModel = args['judge-model'] ?? null;
if (judgeModel !== null && judgeBand === null) throw new Error('--judge-model needs --judge-band: the judge is only asked about misses within it');
const judgeUrl = (args['judge-url'] ?? process.env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1').replace(/\/+$/, '');
if (!args.pairs?.length) {
  console.error('usage: npm run eval:semantic -- --pairs FILE.jsonl [--pairs MORE.jsonl] [--strictness strict|balanced|loose] [--embedder auto|use-lite|transformers:<model>|provider:<model>] [--shared] [--held-out] [--show] [--judge-band 0.15 [--judge-model gpt-4o-mini] [--judge-url URL]]');
  process.exit(2);
}
if (!STRICTNESS_LEVELS.includes(args.strictness as SemanticStrictness)) throw new Error('--strictness must be strict, balanced or loose');

let pairs = args.pairs.flatMap((f) => readPairs(f));
if (args['held-out']) pairs = pairs.filter((p) => isHeldOut(p));
if (args.limit) pairs = pairs.slice(0, Number(args.limit));

const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-eval-'));
const log = createLogger(() => undefined);
const store = openStore(dataDir, { onError: (err) => console.error(err) });
const cacheRepo = createCacheRepo(store.db);
const exactCache = createExactCache(store, cacheRepo, Date.now);
const events = createEventHub();
const providers = createProviderSettings({ dataDir, settings: createSettingsRepo(store.db), env: process.env });
const semantic = createSemanticCache({ store, repo: createSemanticRepo(store.db), exactCache, providers, events, log, dataDir });
const settings: SemanticSettings = {
  enabled: true, strictness: args.strictness as SemanticStrictness, embedder: args.embedder!, allowModelDownload: false,
  judge: judgeBand === null ? null : { model: 'eval (counted, never called)', band: judgeBand },
};
const project = 'eval';
const namespaceOf = (i: number) => (args.shared ? 'eval:v1' : `eval:${i}`);
const bodyOf = (text: string) => ({ model: 'eval-model', messages: [{ role: 'user', content: text }], temperature: 0 });

const started = performance.now();
// 1. cache every `a`, exactly as a miss is stored by cache-store + semantic-store
for (const [i, p] of pairs.entries()) {
  const namespace = namespaceOf(i);
  const body = bodyOf(p.a);
  const key = buildCacheKey(namespace, 'chat.completions', body);
  if (exactCache.get(key)) continue;
  const r = await semantic.lookup({ project, settings, namespace, endpoint: 'chat.completions', body });
  if (!r.prepared) continue;
  exactCache.set({
    id: key, project, namespace, endpoint: 'chat.completions', model: 'eval-model', prompt: p.a, requestJson: JSON.stringify(body),
    responseBody: Buffer.from(JSON.stringify({ answer: p.a })), usageJson: null, costUsd: null, tags: [], createdAt: Date.now(), expiresAt: null,
  });
  semantic.store(key, r.prepared);
}
// 2. look up every `b`
let tp = 0; let hitsOnDifferent = 0; let wrongEntry = 0; let positives = 0; let negatives = 0;
/** misses a judge would have been asked about, by label (its own `a` only) */
let borderlineSame = 0; let borderlineDifferent = 0;
/** with --judge-model: its verdicts on those misses */
const verdicts = { yes: 0, no: 0, failed: 0, yesSame: 0, yesDifferent: 0 };
/** the judge's request as the gateway sends it; an error or an answer that is not YES or NO counts as failed (a miss) */
async function askJudge(model: string, cachedPrompt: string, newPrompt: string): Promise<'yes' | 'no' | null> {
  try {
    const key = process.env.OPENAI_API_KEY;
    const res = await fetch(`${judgeUrl}/chat/completions`, {
      method: 'POST', signal: AbortSignal.timeout(30_000),
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify(buildJudgeBody(model, cachedPrompt, newPrompt)),
    });
    return res.ok ? readJudgeAnswer(await res.json() as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
for (const [i, p] of pairs.entries()) {
  if (p.same) positives++; else negatives++;
  const namespace = namespaceOf(i);
  const body = bodyOf(p.b);
  // an identical prompt is the exact layer's hit, which answers before the semantic layer is asked
  const exact = exactCache.get(buildCacheKey(namespace, 'chat.completions', body));
  const r = exact ? null : await semantic.lookup({ project, settings, namespace, endpoint: 'chat.completions', body });
  let judged = '';
  if (r && !r.hit && r.borderline?.match.prompt === p.a) {
    if (p.same) borderlineSame++; else borderlineDifferent++;
    if (judgeModel !== null) {
      const verdict = await askJudge(judgeModel, p.a, p.b);
      judged = `; judge: ${verdict ?? 'failed'}`;
      if (verdict === null) verdicts.failed++;
      else verdicts[verdict]++;
      if (verdict === 'yes') { if (p.same) verdicts.yesSame++; else verdicts.yesDifferent++; }
    }
  }
  const matched = exact ? exact.prompt : r?.hit ? r.match.prompt : null;
  if (args.show) {
    const why = exact ? 'exact' : r?.hit ? `similarity ${r.match.similarity.toFixed(3)}, verifier ${r.match.probability.toFixed(3)} ≥ ${r.match.threshold}` : r?.reason;
    console.log(`${matched === null ? 'miss' : 'HIT '} ${p.same ? 'same' : 'diff'}  ${JSON.stringify(p.a)} → ${JSON.stringify(p.b)}  (${why}${judged})`);
  }
  if (matched === null) continue;
  if (!p.same) hitsOnDifferent++;
  else if (matched === p.a) tp++;
  else wrongEntry++;
}
const seconds = (performance.now() - started) / 1000;
await semantic.close();
events.close();
await store.close();
rmSync(dataDir, { recursive: true, force: true });

const falseHits = hitsOnDifferent + wrongEntry;
const round = (x: number) => Math.round(x * 10000) / 10000;
const result = {
  pairs: pairs.length, positives, negatives, strictness: settings.strictness, embedder: settings.embedder,
  namespace: args.shared ? 'shared' : 'per pair', heldOutOnly: args['held-out'],
  hits: tp + falseHits, truePositives: tp, falseHits, hitsOnDifferentPairs: hitsOnDifferent, hitsOnAnotherEntry: wrongEntry,
  precision: round(tp + falseHits ? tp / (tp + falseHits) : 1), recall: round(positives ? tp / positives : 0),
  hitRate: round(positives ? tp / positives : 0), falseHitRate: round(negatives ? hitsOnDifferent / negatives : 0),
  pairsPerSec: round(pairs.length / seconds),
  ...(judgeBand === null ? {} : {
    judge: {
      band: judgeBand, borderlineSame, borderlineDifferent,
      askedPerLookup: round((borderlineSame + borderlineDifferent) / pairs.length),
      recallIfAlwaysRight: round(positives ? (tp + borderlineSame) / positives : 0),
      ...(judgeModel === null ? {} : (() => {
        const judgedTp = tp + verdicts.yesSame;
        const judgedFalse = falseHits + verdicts.yesDifferent;
        return {
          model: judgeModel, asked: verdicts.yes + verdicts.no + verdicts.failed, ...verdicts,
          precisionWithJudge: round(judgedTp + judgedFalse ? judgedTp / (judgedTp + judgedFalse) : 1),
          recallWithJudge: round(positives ? judgedTp / positives : 0),
          falseHitRateWithJudge: round(negatives ? (hitsOnDifferent + verdicts.yesDifferent) / negatives : 0),
        };
      })()),
    },
  }),
};
console.log(JSON.stringify(result));
