import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import type { Trace } from '../../../../shared/api/dto';
import { openStore, type Store } from '../db';
import { createSpendRepo } from './spend-repo';

let dir: string;
let store: Store;
afterEach(() => { store.close(); rmSync(dir, { recursive: true, force: true }); });

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
