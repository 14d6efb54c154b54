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

const COUNTRIES = ['France', 'Japan', 'Brazil', 'Canada', 'Kenya', 'Norway', 'Peru', 'Egypt', 'Chile', 'Poland',
  'Greece', 'Spain', 'Italy', 'Mexico', 'India', 'Ghana', 'Nepal', 'Cuba', 'Iran', 'Chad', 'Mali', 'Laos', 'Oman', 'Fiji',
  'Togo', 'Iraq', 'Benin', 'Qatar', 'Sudan', 'Yemen'];

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
  for (const country of COUNTRIES) {
    await httpPost(url, ask(`Which city is the capital of ${country}?`));
  }
  await new Promise((r) => setTimeout(r, 500)); // stores are written in the background
  for (const country of COUNTRIES) {
    let t0 = performance.now();
    const hit = await httpPost(url, ask(`What is the capital city of ${country}?`));
    const ms = performance.now() - t0;
    if (hit.headers['x-tollgate-cache-layer'] === 'semantic') semantic.push(ms);
    t0 = performance.now();
    const again = await httpPost(url, ask(`Which city is the capital of ${country}?`));
    if (again.headers['x-tollgate-cache-layer'] === 'exact') exact.push(performance.now() - t0);
  }
  if (semantic.length === 0) return none('no paraphrase was answered with `x-tollgate-cache-layer: semantic` after enabling it: not measured');
  const s = Float64Array.from(semantic).sort();
  const e = Float64Array.from(exact).sort();
  return {
    available: true, n: s.length, p50: percentile(s, 50), p99: percentile(s, 99), exactP50: percentile(e, 50),
    note: `${s.length} of ${COUNTRIES.length} paraphrases answered from the semantic layer`,
  };
}
