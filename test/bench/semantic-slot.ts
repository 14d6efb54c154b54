/**
 * The semantic-cache slot of the bench: end-to-end latency of semantic hits (embed + lookup + replay), when the
 * gateway under test has semantic caching. Found at the wire: the default project is switched to semantic via the
 * admin API, questions are stored, paraphrases are asked; only answers marked `x-tollgate-cache-layer: semantic`
 * count. A build without it says so instead of inventing a number.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHAT_PATH, httpPost, httpSend, percentile } from './measure';

export interface SemanticResult {
  available: boolean;
  note: string;
  /** sequential semantic hits measured */
  n: number;
  p50: number;
  p99: number;
  /** the same loop's exact hits, for comparison (embed + lookup ≈ semantic − exact) */
  exactP50: number;
}

const TASKS = ['reset my password', 'change my email address', 'delete my account', 'export my data', 'update my billing details',
  'cancel my subscription', 'enable two-factor authentication', 'invite a teammate', 'rename a project', 'download an invoice',
  'change the language', 'turn off notifications', 'connect my calendar', 'restore a deleted file', 'share a folder',
  'upgrade my plan', 'add a payment method', 'create an API key', 'revoke an API key', 'merge two accounts'];
const ask = (content: string) => JSON.stringify({ model: 'gpt-4o-mini', temperature: 0, messages: [{ role: 'user', content }] });

export async function measureSemantic(origin: string, adminOrigin: string, dataDir: string): Promise<SemanticResult> {
  const none = (note: string): SemanticResult => ({ available: false, note, n: 0, p50: NaN, p99: NaN, exactP50: NaN });
  const token = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
  const patch = await httpSend('PATCH', `${adminOrigin}/admin/v1/projects/default`, JSON.stringify({ semantic: { enabled: true } }),
    { headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } });
  if (patch.status >= 400) return none(`this build has no semantic caching (PATCH semantic.enabled answered ${patch.status})`);
  const url = origin + CHAT_PATH;
  const semantic: number[] = [];
  const exact: number[] = [];
  for (const task of TASKS) await httpPost(url, ask(`How do I ${task}?`));
  // entries are embedded in the background (the first one starts the embedder): wait until they are indexed
  const indexed = async () => {
    const r = await httpSend('GET', `${adminOrigin}/admin/v1/semantic`, null, { headers: { authorization: `Bearer ${token}` } });
    return r.status === 200 ? Number((JSON.parse(r.text) as { indexedEntries?: number }).indexedEntries ?? 0) : TASKS.length;
  };
  for (let waited = 0; waited < 60_000 && (await indexed()) < TASKS.length; waited += 250) await new Promise((r) => setTimeout(r, 250));
  for (const task of TASKS) {
    let t0 = performance.now();
    const hit = await httpPost(url, ask(`How can I ${task}?`));
    const ms = performance.now() - t0;
    if (hit.headers['x-tollgate-cache-layer'] === 'semantic') semantic.push(ms);
    t0 = performance.now();
    const again = await httpPost(url, ask(`How do I ${task}?`));
    if (again.headers['x-tollgate-cache-layer'] === 'exact') exact.push(performance.now() - t0);
  }
  if (semantic.length === 0) return none('no paraphrase was answered with `x-tollgate-cache-layer: semantic` after enabling it: not measured');
  const s = Float64Array.from(semantic).sort();
  const e = Float64Array.from(exact).sort();
  return {
    available: true, n: s.length, p50: percentile(s, 50), p99: percentile(s, 99), exactP50: percentile(e, 50),
    note: `${s.length} of ${TASKS.length} paraphrases answered from the semantic layer`,
  };
}
