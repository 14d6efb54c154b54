// A gateway restart with N cached prompts in one namespace, through the gateway's own semantic cache and SQLite:
// how long the first lookup waits (stored vectors read and sent to the embed worker, the saved HNSW graph loaded),
// and lookups right after, against the first run, which had to build the graph.
//   npx tsx scripts/semantic/bench-restart.ts --texts ../shared/data/semantic-pairs/dev/qqp_gptcache.jsonl [--entries 100000]
// Stored vectors are real USE-Lite embeddings of 512 prompts plus noise, as in bench-lookup.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SemanticSettings } from '../../shared/api/dto';
import { createEventHub } from '../../electron/gateway/admin/event-hub';
import { buildCacheKey } from '../../electron/gateway/cache/cache-key';
import { createExactCache } from '../../electron/gateway/cache/exact-cache';
import { createEmbedWorkerClient } from '../../electron/gateway/embed/embed-worker-client';
import { createLogger } from '../../electron/gateway/log';
import { createProviderSettings } from '../../electron/gateway/providers/provider-settings';
import { createSemanticCache } from '../../electron/gateway/semantic/semantic-cache';
import { buildSemanticContext } from '../../electron/gateway/semantic/semantic-context';
import { HNSW_MIN_ROWS } from '../../electron/gateway/semantic/vector-index';
import { openStore } from '../../electron/gateway/store/db';
import { createCacheRepo } from '../../electron/gateway/store/repos/cache-repo';
import { createSemanticRepo } from '../../electron/gateway/store/repos/semantic-repo';
import { createSettingsRepo } from '../../electron/gateway/store/repos/settings-repo';
import { createNoisyVectors, percentile as pct, readBenchArgs, round2 as round } from './bench-support';

const { texts, entries: N, queries: Q } = readBenchArgs();
const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-restart-'));
const project = 'bench';
const namespace = 'bench:v1';
const settings: SemanticSettings = { enabled: true, strictness: 'balanced', embedder: 'use-lite', allowModelDownload: false, judge: null };
const bodyOf = (text: string) => ({ model: 'bench-model', messages: [{ role: 'user', content: text }], temperature: 0 });

// 1. N stored entries with vectors, as the gateway would have written them
{
  const worker = createEmbedWorkerClient({ modelDirs: [], downloadDir: dataDir }, () => undefined, (err) => console.error(err));
  const { id: embedder } = await worker.load('use-lite', false);
  const seeds = await worker.embed(embedder, texts.slice(0, 512));
  await worker.close();
  const store = openStore(dataDir, { onError: (err) => console.error(err) });
  const cacheRepo = createCacheRepo(store.db);
  const repo = createSemanticRepo(store.db);
  const contextKey = buildSemanticContext(namespace, 'chat.completions', bodyOf('x'))!.contextKey;
  const vectorOf = createNoisyVectors(seeds);
  const write = store.db.transaction((from: number, to: number) => {
    for (let j = from; j < to; j++) {
      const text = `stored prompt ${j}`;
      const body = bodyOf(text);
      const id = buildCacheKey(namespace, 'chat.completions', body);
      cacheRepo.insert({
        id, project, namespace, endpoint: 'chat.completions', model: 'bench-model', prompt: text, requestJson: JSON.stringify(body),
        responseBody: Buffer.from('{"answer":1}'), usageJson: null, costUsd: null, tags: [], createdAt: Date.now(), expiresAt: null,
      });
      repo.insert({ entryId: id, contextKey, embedder, text, vector: vectorOf(j) });
    }
  });
  for (let i = 0; i < N; i += 5000) write(i, Math.min(N, i + 5000));
  // the part of a hydration that runs on the gateway's event loop: reading the stored vectors, a page at a time
  let s = performance.now();
  const all = repo.listForProject(project, embedder).length;
  const atOnceS = (performance.now() - s) / 1000;
  let rows = 0; let longestPageMs = 0; let cursor = 0;
  s = performance.now();
  for (;;) {
    const p0 = performance.now();
    const page = repo.pageForProject(project, embedder, cursor, 1000);
    longestPageMs = Math.max(longestPageMs, performance.now() - p0);
    if (!page.rows.length) break;
    rows += page.rows.length;
    cursor = page.cursor;
  }
  const pagedS = (performance.now() - s) / 1000;
  // what a restart reads when saved graphs hold the rows: no vectors but one in 64
  s = performance.now();
  cursor = 0;
  for (;;) {
    const page = repo.pageForProject(project, embedder, cursor, 1000, false);
    if (!page.rows.length) break;
    repo.vectorsOf(page.rows.filter((_, i) => i % 64 === 0).map((r) => r.entryId), embedder);
    cursor = page.cursor;
  }
  const withoutVectorsS = (performance.now() - s) / 1000;
  console.log(JSON.stringify({ label: 'reading the stored rows from SQLite (event loop)', rows, all, atOnceS: round(atOnceS),
    pagedS: round(pagedS), longestPageMs: round(longestPageMs), pagedWithoutVectorsS: round(withoutVectorsS) }));
  await store.close();
}

/** one gateway run: opens the store and the semantic cache, times the first lookup and Q more */
async function run(label: string, waitForGraph: boolean) {
  const store = openStore(dataDir, { onError: (err) => console.error(err) });
  const exactCache = createExactCache(store, createCacheRepo(store.db), Date.now);
  const events = createEventHub();
  const providers = createProviderSettings({ dataDir, settings: createSettingsRepo(store.db), env: {} });
  const semantic = createSemanticCache({ store, repo: createSemanticRepo(store.db), exactCache, providers, events, log: createLogger(() => undefined), dataDir });
  const lookup = (text: string) => semantic.lookup({ project, settings, namespace, endpoint: 'chat.completions', body: bodyOf(text) });
  let s = performance.now();
  await lookup(texts[600]!);
  const firstLookupS = (performance.now() - s) / 1000;
  const atFirst = (await semantic.status()).index;
  s = performance.now();
  if (waitForGraph) for (;;) {
    const ix = (await semantic.status()).index!;
    // below HNSW_MIN_ROWS a bucket is scanned and never gets a graph
    if (ix.indexed >= ix.rows || ix.rows < HNSW_MIN_ROWS) break;
    await new Promise((r) => setTimeout(r, 2000));
  }
  const graphWaitS = (performance.now() - s) / 1000;
  const times: number[] = [];
  for (let q = 0; q < Q; q++) {
    const t0 = performance.now();
    await lookup(texts[512 + (q % (texts.length - 512))]!);
    times.push(performance.now() - t0);
  }
  s = performance.now();
  await semantic.close();
  const closeS = (performance.now() - s) / 1000;
  events.close();
  await store.close();
  console.log(JSON.stringify({ label, entries: N, firstLookupS: round(firstLookupS), indexAtFirstLookup: atFirst, graphWaitS: round(graphWaitS),
    lookupP50Ms: round(pct(times, 0.5)), lookupP95Ms: round(pct(times, 0.95)), closeS: round(closeS) }));
}

await run('first start: no saved graph, built in the background', true);
await run('restart: saved graph loaded', false);
rmSync(dataDir, { recursive: true, force: true });
