import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, expect, it, vi } from 'vitest';
import type { Trace } from '../../../../shared/api/dto';
import { openStore, type Store } from '../db';
import { migrate } from '../migrate';
import { createSpendRepo, toLocalDay } from './spend-repo';
import { createTracesRepo } from './traces-repo';

let dir: string | null = null;
let store: Store | null = null;
afterEach(async () => {
  await store?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  store = null;
  dir = null;
});

const trace = (over: Partial<Trace>): Trace => ({
  id: 'x', ts: new Date(2026, 11, 3, 12).getTime(), project: 'shop', endpoint: 'chat.completions', method: 'POST', path: '/v1/chat/completions',
  modelRequested: 'gpt-4o-mini', modelUsed: 'gpt-4o-mini', provider: 'openai', status: 200, stream: false, cache: 'miss', cacheLayer: null,
  cacheReason: null, cacheEntryId: null, latencyMs: 1, ttfbMs: null, promptTokens: 10, cachedTokens: 0, completionTokens: 5,
  reasoningTokens: 0, costUsd: 0.25, savedUsd: 0, usageEstimated: false, user: null, feature: null, tags: [], error: null, stages: [],
  downgradedFrom: null, attempts: [], routing: null, routingSavedUsd: null, cacheSimilarity: null, ...over,
});

it('sums traces per rollup row in memory and upserts each row once per group commit', () => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-spend-'));
  store = openStore(dir, { onError: vi.fn() });
  const repo = createSpendRepo(store.db, store.enqueueAtCommit);
  for (let i = 0; i < 50; i++) store.enqueue(() => repo.add(trace({ costUsd: 0.25, cache: i % 5 === 0 ? 'hit' : 'miss' })));
  store.enqueue(() => repo.add(trace({ user: 'ann', costUsd: 1 })));
  expect(store.db.prepare('SELECT count(*) AS n FROM spend_daily').get()).toEqual({ n: 0 }); // not yet: at the commit
  store.flush();
  const rows = repo.query('user', { project: 'shop' });
  expect(rows.map((r) => [r.key, r.requests, r.costUsd, r.cacheHits])).toEqual([['', 50, 12.5, 10], ['ann', 1, 1, 0]]);
  expect(store.db.prepare('SELECT count(*) AS n FROM spend_daily').get()).toEqual({ n: 2 });
  // a later commit adds to the same row
  store.enqueue(() => repo.add(trace({ costUsd: 0.5 })));
  store.flush();
  expect(repo.query('project', {})[0]).toMatchObject({ key: 'shop', requests: 52, costUsd: 14 });
});

it('keeps semantic hits and what they saved apart from the other hits', () => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-spend-'));
  store = openStore(dir, { onError: vi.fn() });
  const repo = createSpendRepo(store.db, store.enqueueAtCommit);
  store.enqueue(() => repo.add(trace({ cache: 'hit', cacheLayer: 'exact', costUsd: 0, savedUsd: 0.5 })));
  store.enqueue(() => repo.add(trace({ cache: 'hit', cacheLayer: 'semantic', costUsd: 0, savedUsd: 0.25 })));
  store.enqueue(() => repo.add(trace({ cache: 'hit', cacheLayer: 'semantic', costUsd: 0, savedUsd: 0.125, user: 'ann' })));
  store.enqueue(() => repo.add(trace({ costUsd: 1 })));
  store.flush();
  expect(repo.query('project', {})[0]).toMatchObject({ requests: 4, cacheHits: 3, savedUsd: 0.875, semanticHits: 2, semanticSavedUsd: 0.375 });
  expect(repo.query('user', {}).map((r) => [r.key, r.semanticHits, r.semanticSavedUsd])).toEqual([['', 1, 0.25], ['ann', 1, 0.125]]);
});

it('fills the semantic columns of rows written before them from the traces still kept', () => {
  const db = new Database(':memory:');
  migrate(db, 7);
  const traces = createTracesRepo(db);
  const ts = new Date(2026, 11, 3, 23, 30).getTime(); // rows are keyed by the local day, as the gateway counts it
  const rows = [
    trace({ id: 'a', ts, cache: 'hit', cacheLayer: 'semantic', costUsd: 0, savedUsd: 0.25, user: 'ann' }),
    trace({ id: 'b', ts, cache: 'hit', cacheLayer: 'semantic', costUsd: 0, savedUsd: 0.5, user: 'ann' }),
    trace({ id: 'c', ts, cache: 'hit', cacheLayer: 'exact', costUsd: 0, savedUsd: 1, user: 'ann' }),
    trace({ id: 'd', ts, cache: 'hit', cacheLayer: 'semantic', costUsd: 0, savedUsd: 2, modelUsed: null, feature: 'faq' }),
  ];
  for (const t of rows) {
    traces.insert(t, null, null);
    // the rollup as the gateway wrote it then, without the columns
    db.prepare(`INSERT INTO spend_daily (project, day, user, feature, model, cost_usd, saved_usd, requests, cache_hits, unpriced_requests,
        prompt_tokens, completion_tokens, routing_saved_usd) VALUES (?, ?, ?, ?, ?, 0, ?, 1, 1, 0, 0, 0, 0)
      ON CONFLICT (project, day, user, feature, model) DO UPDATE SET saved_usd = saved_usd + excluded.saved_usd, requests = requests + 1,
        cache_hits = cache_hits + 1`)
      .run(t.project, toLocalDay(t.ts), t.user ?? '', t.feature ?? '', t.modelUsed ?? t.modelRequested ?? '', t.savedUsd);
  }
  expect(migrate(db)).toBe(8);
  const after = createSpendRepo(db);
  expect(after.query('user', {}).map((r) => [r.key, r.cacheHits, r.semanticHits, r.semanticSavedUsd])).toEqual([['', 1, 1, 2], ['ann', 3, 2, 0.75]]);
  expect(after.query('day', {}).map((r) => r.key)).toEqual(['2026-12-03']);
  db.close();
});
