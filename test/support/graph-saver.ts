// A process that saves one semantic-index graph over and over, changing it between saves, until it is killed.
// test/integration/semantic-index-kill.test.ts kills it with SIGKILL at random points of a save.
//   node --import tsx test/support/graph-saver.ts <root>
import { pathToFileURL } from 'node:url';
import { normalizeVector } from '../../electron/gateway/embed/normalize';
import { createGraphFiles } from '../../electron/gateway/semantic/graph-files';
import { createVectorIndex } from '../../electron/gateway/semantic/vector-index';

export const SAVER_DIM = 64;
export const SAVER_BUCKET = 'use-lite@1|kill';
export const SAVER_SCOPE = { project: 'kill', embedder: 'use-lite@1' };

/** every entry's vector follows from its id, so a loaded graph can be checked row by row */
export function vectorOf(id: string): Float32Array {
  const v = new Float32Array(SAVER_DIM);
  let x = Number(id.slice(1)) * 7919 + 104729;
  for (let i = 0; i < SAVER_DIM; i++) { x = (x * 9301 + 49297) % 233280; v[i] = x / 233280 - 0.5; }
  return normalizeVector(v);
}

// runs only as the spawned script; the test imports the helpers above
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const steps: Array<() => void> = [];
  const index = createVectorIndex({ schedule: (fn) => steps.push(fn), minRows: 100, files: createGraphFiles(process.argv[2]!) });
  let next = 0;
  for (; next < 3000; next++) index.add(SAVER_BUCKET, `e${next}`, vectorOf(`e${next}`), SAVER_SCOPE);
  const started = Date.now();
  for (let round = 0; ; round++) {
    // never outlives a test that failed before killing it
    if (Date.now() - started > 60_000) process.exit(1);
    while (steps.length) steps.shift()!();
    const r = await index.persist(true);
    if (r.errors.length) throw new Error(r.errors[0]);
    process.stdout.write(`saved ${round}\n`);
    for (let i = 0; i < 20; i++) {
      index.remove(`e${next - 3000 + i * 7}`);
      index.add(SAVER_BUCKET, `e${next}`, vectorOf(`e${next}`), SAVER_SCOPE);
      next++;
    }
  }
}
