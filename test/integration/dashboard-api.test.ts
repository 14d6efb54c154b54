/** Admin routes the dashboard adds beyond the minimum contract: overview aggregates, price lookup, bulk delete. */
import { describe, expect, it } from 'vitest';
import type { CacheEntry, Page } from '../../shared/api/dto';
import type { Overview, PriceLookup } from '../../shared/api/dashboard';
import { HEADERS } from '../../shared/headers';
import { useSharedGateway, type TestGateway } from '../support/start-gateway';

let t: TestGateway;
// a fixed day at noon, moved by whole days: the overview counts local calendar days
let clock = new Date(2026, 11, 3, 12).getTime();
useSharedGateway({ now: () => clock }, (gw) => (t = gw));
const DAY = 86_400_000;

async function chat(project: string, content: string, opts: { model?: string; user?: string; feature?: string } = {}) {
  const { response } = await t
    .client({ project, headers: opts.feature ? { [HEADERS.FEATURE]: opts.feature } : undefined })
    .chat.completions.create({ model: opts.model ?? 'gpt-4o-mini', temperature: 0, user: opts.user, messages: [{ role: 'user', content }] })
    .withResponse();
  return { cache: response.headers.get(HEADERS.CACHE), cost: Number(response.headers.get(HEADERS.COST_USD) ?? 0) };
}

describe('GET /admin/v1/overview', () => {
  it('aggregates spend, savings and hits per project per day, with totals and top models, users and features', async () => {
    clock -= 2 * DAY;
    const old = await chat('ov-web', 'two days ago', { user: 'alice', feature: 'search' });
    clock += 2 * DAY;
    const a = await chat('ov-web', 'today one', { user: 'alice', feature: 'search' });
    const b = await chat('ov-api', 'today two', { model: 'gpt-4o', user: 'bob' });
    expect((await chat('ov-api', 'today two', { model: 'gpt-4o', user: 'bob' })).cache).toBe('hit');

    const r = await t.admin<Overview>('/admin/v1/overview?days=3');
    expect(r.status).toBe(200);
    const o = r.body;
    expect(o.days).toHaveLength(3);
    expect(o.days[2]).toBe(o.to);
    const web = o.series.filter((p) => p.project === 'ov-web');
    expect(web.map((p) => [p.day, p.requests])).toEqual([[o.days[0], 1], [o.days[2], 1]]);
    expect(web[0]!.costUsd).toBeCloseTo(old.cost, 12);
    const api = o.series.find((p) => p.project === 'ov-api')!;
    expect(api).toMatchObject({ day: o.to, requests: 2, cacheHits: 1 });
    expect(api.savedUsd).toBeCloseTo(b.cost, 12);

    expect(o.totals).toMatchObject({ requests: 4, cacheHits: 1 });
    expect(o.totals.costUsd).toBeCloseTo(old.cost + a.cost + b.cost, 12);
    expect(o.today).toMatchObject({ requests: 3, cacheHits: 1 });
    expect(o.topModels.map((m) => m.key).sort()).toEqual(['gpt-4o', 'gpt-4o-mini']);
    expect(o.topUsers.map((u) => [u.key, u.requests])).toContainEqual(['alice', 2]);
    expect(o.topFeatures.map((f) => f.key)).toEqual(['search']);

    // today only, one project: the request from two days ago falls outside
    const one = await t.admin<Overview>('/admin/v1/overview?days=1&project=ov-web');
    expect(one.body.series.map((p) => p.requests)).toEqual([1]);
    expect(one.body.totals.requests).toBe(1);
  });

  it('tells semantic hits and what they saved apart from the other hits', { timeout: 30_000 }, async () => {
    expect((await t.admin('/admin/v1/projects', { method: 'POST', body: { slug: 'ov-sem', semantic: { enabled: true } } })).status).toBe(201);
    const first = await chat('ov-sem', 'How do I reset my password?');
    expect((await chat('ov-sem', 'How do I reset my password?')).cache).toBe('hit');
    expect((await chat('ov-sem', 'How can I reset my password?')).cache).toBe('hit');
    const o = (await t.admin<Overview>('/admin/v1/overview?days=1&project=ov-sem')).body;
    expect(o.totals).toMatchObject({ requests: 3, cacheHits: 2, semanticHits: 1 });
    expect(o.totals.savedUsd).toBeCloseTo(2 * first.cost, 12);
    expect(o.totals.semanticSavedUsd).toBeCloseTo(first.cost, 12);
    expect(o.topModels[0]).toMatchObject({ key: 'gpt-4o-mini', cacheHits: 2, semanticHits: 1 });
  });

  it('refuses a period it cannot serve, saying what is allowed', async () => {
    const r = await t.admin<{ error: { message: string; param: string } }>('/admin/v1/overview?days=0');
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ param: 'days', message: 'days must be a whole number from 1 to 366.' });
  });
});

describe('GET /admin/v1/pricing', () => {
  it('answers the price per 1M tokens for a model, dated snapshots included, and null for unpriced models', async () => {
    const known = await t.admin<PriceLookup>('/admin/v1/pricing?model=gpt-4o-mini-2024-07-18');
    expect(known.status).toBe(200);
    expect(known.body.family).toBe('gpt-4o-mini');
    expect(known.body.price).toMatchObject({ input: expect.any(Number), output: expect.any(Number) });
    const unknown = await t.admin<PriceLookup>('/admin/v1/pricing?model=my-local-llama');
    expect(unknown.body).toEqual({ model: 'my-local-llama', family: null, price: null });
    expect((await t.admin('/admin/v1/pricing')).status).toBe(400);
  });
});

describe('POST /admin/v1/cache/delete', () => {
  it('removes exactly the given entries, so their next identical request is a miss', async () => {
    for (const q of ['del one', 'del two', 'keep three']) await chat('bulk', q);
    const list = await t.admin<Page<CacheEntry>>('/admin/v1/cache/entries?project=bulk&q=del');
    const ids = list.body.items.map((e) => e.id);
    expect(ids).toHaveLength(2);

    const r = await t.admin<{ removed: number }>('/admin/v1/cache/delete', { method: 'POST', body: { ids: [...ids, 'no-such-id'] } });
    expect(r).toMatchObject({ status: 200, body: { removed: 2 } });
    const left = await t.admin<Page<CacheEntry>>('/admin/v1/cache/entries?project=bulk');
    expect(left.body.items.map((e) => e.prompt)).toEqual(['keep three']);
    t.mock.reset();
    expect((await chat('bulk', 'del one')).cache).toBe('miss');
    expect((await chat('bulk', 'keep three')).cache).toBe('hit');
    expect(t.mock.count('/chat/completions')).toBe(1);
  });

  it('refuses a body without an id list', async () => {
    const r = await t.admin<{ error: { param: string } }>('/admin/v1/cache/delete', { method: 'POST', body: { ids: 'abc' } });
    expect(r.status).toBe(400);
    expect(r.body.error.param).toBe('ids');
  });
});

describe('GET /admin/v1/cache/entries?olderThanSec=', () => {
  it('lists only entries at least that old, as invalidation by age would remove', async () => {
    clock -= 2 * 3_600_000;
    await chat('aged', 'old entry');
    clock += 2 * 3_600_000;
    await chat('aged', 'new entry');
    const r = await t.admin<Page<CacheEntry>>('/admin/v1/cache/entries?project=aged&olderThanSec=3600');
    expect(r.body.items.map((e) => e.prompt)).toEqual(['old entry']);
    const dry = await t.admin<{ removed: number }>('/admin/v1/cache/invalidate', { method: 'POST', body: { project: 'aged', olderThanSec: 3600, dryRun: true } });
    expect(dry.body.removed).toBe(1);
  });
});
