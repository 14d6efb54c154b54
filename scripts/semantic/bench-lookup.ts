// Embedding + lookup latency with N cached prompts in one namespace, through the gateway's embed worker, and the
// time a fresh worker takes to load the saved HNSW graph instead of rebuilding it.
//   npx tsx scripts/semantic/bench-lookup.ts --texts ../shared/data/semantic-pairs/dev/qqp_gptcache.jsonl [--entries 100000]
// Real prompts are embedded (USE-Lite); the N stored vectors are real embeddings plus noise (embedding 100k
// prompts would take an hour here). Waits until the HNSW graph holds every row, then times 200 lookups; saves the
// graph, stops the worker, hydrates a fresh one with the same rows (as the gateway does after a restart) and times
// that load and 200 lookups right after it. Lookups are also timed while the graph is saved.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmbedWorkerClient } from '../../electron/gateway/embed/embed-worker-client';
import { HNSW_MIN_ROWS } from '../../electron/gateway/semantic/vector-index';
import { createNoisyVectors, percentile as pct, readBenchArgs, round2 as round } from './bench-support';

const { texts, entries: N, queries: Q } = readBenchArgs();
const dir = mkdtempSync(join(tmpdir(), 'tollgate-bench-'));
// saves only when asked (persist / close), so no save lands inside a measurement
const setup = { modelDirs: [], downloadDir: dir, indexDir: join(dir, 'semantic-index'), indexSaveDelayMs: 24 * 3600_000 };
const startWorker = (persisted = true) =>
  createEmbedWorkerClient(persisted ? setup : { ...setup, indexDir: undefined }, () => undefined, (err) => console.error(err));
let worker = startWorker();
const { id } = await worker.load('use-lite', false);
const seeds = await worker.embed(id, texts.slice(0, 512));
const bucket = `${id}|bench`;
const scope = { project: 'bench', embedder: id };

/**
 * The stored rows, the same on every call (as SQLite would hand them to the gateway). Hydrating, like the gateway:
 * vectors for one row in 64, then for the rows the worker asks for (those no saved graph holds).
 */
async function sendRows(hydrating: boolean) {
  const vectorOf = createNoisyVectors(seeds);
  for (let i = 0; i < N; i += 1000) {
    const items = [];
    for (let j = i; j < Math.min(N, i + 1000); j++) items.push({ bucket, id: `e${j}`, vector: vectorOf(j) });
    if (!hydrating) {
      await worker.add(items, scope);
      continue;
    }
    const { missing } = await worker.add(items.map((it, k) => (k % 64 === 0 ? it : { bucket, id: it.id })), scope, true, seeds[0]!.length);
    const wanted = new Set(missing);
    if (wanted.size) await worker.add(items.filter((it) => wanted.has(it.id)), scope, true);
  }
}

/** Q lookups, or with `during` as many as run until it settles */
async function measure(label: string, during?: Promise<unknown>) {
  const total: number[] = []; const embed: number[] = []; const search: number[] = [];
  let settled = false;
  void during?.finally(() => { settled = true; });
  for (let q = 0; during ? !settled : q < Q; q++) {
    const text = texts[512 + (q % (texts.length - 512))]!;
    const s = performance.now();
    const r = await worker.embedSearch(id, bucket, text, 5);
    total.push(performance.now() - s); embed.push(r.embedMs); search.push(r.searchMs);
  }
  const { op: _op, ...stats } = await worker.stats();
  const out = { label, ...stats, lookups: total.length,
    totalP50Ms: round(pct(total, 0.5)), totalP95Ms: round(pct(total, 0.95)), embedP50Ms: round(pct(embed, 0.5)),
    searchP50Ms: round(pct(search, 0.5)), searchP95Ms: round(pct(search, 0.95)) };
  console.log(JSON.stringify(out));
}

const t0 = performance.now();
await sendRows(false);
await measure('scan (graph not built yet)');
for (;;) {
  const s = await worker.stats();
  if (s.indexed >= s.rows || s.rows < HNSW_MIN_ROWS) break; // below it a bucket is scanned, never built
  await new Promise((r) => setTimeout(r, 2000));
}
const buildS = (performance.now() - t0) / 1000;
console.error(`graph built in ${Math.round(buildS)} s`);
await measure('hnsw');

let s = performance.now();
const saving = worker.persist();
await measure('hnsw, while the graph is saved', saving);
const saved = await saving;
const saveS = (performance.now() - s) / 1000;
await worker.close();

// a restart: a fresh worker, the embedder loaded, the stored rows hydrated, the saved graph adopted
worker = startWorker();
s = performance.now();
await worker.load('use-lite', false);
const embedderS = (performance.now() - s) / 1000;
s = performance.now();
await sendRows(true);
await worker.settle(scope);
const loadS = (performance.now() - s) / 1000;
const { op: _op, ...afterLoad } = await worker.stats();
console.error(`graph saved in ${round(saveS)} s; fresh worker: embedder ${round(embedderS)} s, rows + saved graph ${round(loadS)} s`);
await measure('hnsw, right after loading the saved graph');
await worker.close();

// the same hydration without a saved graph: what the rows alone cost (the rest of loadS is reading the graph)
worker = startWorker(false);
s = performance.now();
await sendRows(true);
await worker.settle(scope);
const rowsOnlyS = (performance.now() - s) / 1000;
await worker.close();
console.log(JSON.stringify({ label: 'persistence', entries: N, buildS: round(buildS), saveS: round(saveS), saved: saved.saved,
  embedderLoadS: round(embedderS), loadS: round(loadS), rowsOnlyS: round(rowsOnlyS), afterLoad }));
rmSync(dir, { recursive: true, force: true });
