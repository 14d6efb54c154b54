// Labeled pairs ({"a","b","same"} per line) and their vectors, for training and evaluating the verifier.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Embedder } from '../../electron/gateway/embed/embedder';

export interface Pair { a: string; b: string; same: boolean; dataset: string; source: string }

export function readPairs(file: string): Pair[] {
  const dataset = basename(file).replace(/\.jsonl$/, '').replace(/_.*$/, '');
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((line, i) => {
    const p = JSON.parse(line) as { a: unknown; b: unknown; same: unknown; source?: string };
    if (typeof p.a !== 'string' || typeof p.b !== 'string' || typeof p.same !== 'boolean') {
      throw new Error(`${file}:${i + 1}: each line must be {"a": string, "b": string, "same": boolean}`);
    }
    return { a: p.a, b: p.b, same: p.same, dataset, source: p.source ?? `${dataset}#${i}` };
  });
}

export function readPairsDir(dir: string): Pair[] {
  return readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort().flatMap((f) => readPairs(join(dir, f)));
}

/** A pair's side of the train / held-out split: by a hash of its source, so it never changes between runs. */
export function isHeldOut(p: Pair, share = 0.3): boolean {
  const h = createHash('sha256').update(p.source).digest().readUInt32BE(0);
  return h / 2 ** 32 < share;
}

/** Embeds every distinct text once; with cacheDir, vectors are kept between runs (tuning reruns in seconds). */
export async function embedAll(embedder: Embedder, texts: string[], cacheDir?: string, onProgress?: (done: number) => void) {
  const unique = [...new Set(texts)];
  const key = createHash('sha256').update(embedder.id).update(JSON.stringify(unique)).digest('hex').slice(0, 16);
  const file = cacheDir ? join(cacheDir, `vectors-${key}.bin`) : null;
  const out = new Map<string, Float32Array>();
  if (file && existsSync(file)) {
    const all = new Float32Array(readFileSync(file).buffer.slice(0));
    unique.forEach((t, i) => out.set(t, all.subarray(i * embedder.dim, (i + 1) * embedder.dim)));
    return out;
  }
  const all = new Float32Array(unique.length * embedder.dim);
  for (let i = 0; i < unique.length; i += 32) {
    const vs = await embedder.embed(unique.slice(i, i + 32));
    vs.forEach((v, j) => all.set(v, (i + j) * embedder.dim));
    onProgress?.(Math.min(i + 32, unique.length));
  }
  unique.forEach((t, i) => out.set(t, all.subarray(i * embedder.dim, (i + 1) * embedder.dim)));
  if (file) { mkdirSync(cacheDir!, { recursive: true }); writeFileSync(file, Buffer.from(all.buffer)); }
  return out;
}
