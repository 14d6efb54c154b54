// What the semantic latency benches share: their flags, the stored vectors they fake, and their statistics.
import { parseArgs } from 'node:util';
import { normalizeVector } from '../../electron/gateway/embed/normalize';
import { readPairs } from './pairs';

/** --texts FILE.jsonl (pairs whose texts get embedded), --entries N stored rows, --queries Q timed lookups */
export function readBenchArgs(): { texts: string[]; entries: number; queries: number } {
  const { values: args } = parseArgs({ options: { texts: { type: 'string' }, entries: { type: 'string', default: '100000' }, queries: { type: 'string', default: '200' } } });
  if (!args.texts) throw new Error('--texts FILE.jsonl (pairs whose texts to embed) is required');
  return { texts: [...new Set(readPairs(args.texts).flatMap((p) => [p.a, p.b]))], entries: Number(args.entries), queries: Number(args.queries) };
}

/**
 * Stored row j's vector: a real embedding (seed j mod seeds) plus fixed-seed noise. Embedding 100k prompts would take
 * an hour here; a new generator per pass hands out the same vectors again, as SQLite would.
 */
export function createNoisyVectors(seeds: readonly Float32Array[]): (j: number) => Float32Array {
  let rng = 12345;
  const noise = () => { rng = (rng * 1103515245 + 12345) % 2 ** 31; return rng / 2 ** 31 - 0.5; };
  return (j) => {
    const base = seeds[j % seeds.length]!;
    const v = new Float32Array(base.length);
    for (let k = 0; k < v.length; k++) v[k] = base[k]! + noise() * 0.08;
    return normalizeVector(v);
  };
}

export const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * p)]!;
export const round2 = (x: number) => Math.round(x * 100) / 100;
