// A live graph compacted beside itself: N random 512-dimension rows, then just over half removed (as invalidation or
// expiry would). Times the replacement's build, the lookups answered meanwhile, and top-1 recall before and after.
//   npx tsx scripts/semantic/bench-compaction.ts [--entries 20000]
import { parseArgs } from 'node:util';
import { normalizeVector } from '../../electron/gateway/embed/normalize';
import { createVectorIndex } from '../../electron/gateway/semantic/vector-index';
import { percentile, round2 } from './bench-support';

const { values } = parseArgs({ options: { entries: { type: 'string', default: '20000' } } });
const N = Number(values.entries);
const DIM = 512;
const vectors = Array.from({ length: N + N / 10 }, () => normalizeVector(Float32Array.from({ length: DIM }, () => Math.random() - 0.5)));
const index = createVectorIndex();
const tick = () => new Promise((r) => setImmediate(r));
const top1Misses = (from: number) => {
  let misses = 0;
  for (let i = from; i < N; i += 7) if (index.search('b', vectors[i]!, 5)[0]?.id !== `e${i}`) misses++;
  return misses;
};

for (let i = 0; i < N; i++) index.add('b', `e${i}`, vectors[i]!, null);
let t0 = performance.now();
while (index.stats().indexed < N) await tick();
const buildS = (performance.now() - t0) / 1000;
const kept = N / 2 + 1;
const missesBefore = top1Misses(kept);
for (let i = 0; i < kept; i++) index.remove(`e${i}`);

t0 = performance.now();
const lookups: number[] = [];
for (let q = 0; index.stats().graphsCompacted === 0; q++) {
  const s = performance.now();
  index.search('b', vectors[kept + (q % (N - kept))]!, 5);
  lookups.push(performance.now() - s);
  if (q % 50 === 49) index.add('b', `n${q}`, vectors[N + Math.floor(q / 50)]!, null);
  await tick();
}
const compactS = (performance.now() - t0) / 1000;
console.log(JSON.stringify({
  entries: N, buildS: round2(buildS), liveAfterRemoval: N - kept, compactS: round2(compactS), lookupsMeanwhile: lookups.length,
  lookupP50Ms: round2(percentile(lookups, 0.5)), lookupP99Ms: round2(percentile(lookups, 0.99)),
  top1MissesBefore: missesBefore, top1MissesAfter: top1Misses(kept), sampled: Math.ceil((N - kept) / 7), stats: index.stats(),
}));
