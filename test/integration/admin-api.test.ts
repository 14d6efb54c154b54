import Database from 'better-sqlite3';
import { join } from 'node:path';
import { APIError } from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CacheEntry, CacheEntryDetail, Page, Project, ProviderSettings, Trace, TraceDetail } from '../../shared/api/dto';
import type { AdminEvent } from '../../shared/api/events';
import { VERSION } from '../../electron/gateway/index';
import { startMockUpstream, type MockUpstream } from '../support/mock-upstream';
import { eventually, startTestGateway, type TestGateway } from '../support/start-gateway';

type ErrorBody = { error: { message: string; type: string; code: string; param: string | null } };

let t: TestGateway;
let clockOffsetMs = 0;
const extraMocks: MockUpstream[] = [];
beforeEach(async () => {
  clockOffsetMs = 0;
  t = await startTestGateway({ now: () => Date.now() + clockOffsetMs });
});
afterEach(async () => {
  await t.close();
  for (const m of extraMocks.splice(0)) await m.close();
});

interface Ask { project?: string; model?: string; headers?: Record<string, string> }
async function chat(content: string, o: Ask = {}) {
  const { data, response } = await t.client({ project: o.project }).chat.completions
    .create({ model: o.model ?? 'gpt-4o-mini', messages: [{ role: 'user', content }], temperature: 0 }, { headers: o.headers })
    .withResponse();
  const h = response.headers;
  return { data, traceId: h.get('x-tollgate-trace-id')!, cache: h.get('x-tollgate-cache'), costUsd: Number(h.get('x-tollgate-cost-usd')) };
}

const traces = (query = '') => t.admin<Page<Trace>>(`/admin/v1/traces${query}`).then((r) => r.body);
const entries = (query = '') => t.admin<Page<CacheEntry>>(`/admin/v1/cache/entries${query}`).then((r) => r.body.items);
const prompts = async (query = '') => (await entries(query)).map((e) => e.prompt).sort();
const waitForTraces = (n: number) => eventually(async () => ((await traces('?limit=1000')).items.length === n ? true : null));
const chatCalls = () => t.mock.count('/chat/completions');

function expectOpenAIError(r: { status: number; body: unknown }, status: number, code: string, param?: string) {
  expect(r.status).toBe(status);
  const e = (r.body as ErrorBody).error;
  expect(e).toMatchObject({ code, message: expect.stringMatching(/.{10}/), type: expect.any(String) });
  if (param !== undefined) expect(e.param).toBe(param);
}

/** GET /admin/v1/events read the way a browser's fetch would; next() waits for the first event that matches. */
async function openEvents() {
  const ac = new AbortController();
  const res = await fetch(`${t.addresses.adminUrl}/admin/v1/events`, { headers: { authorization: `Bearer ${t.gateway.adminToken}` }, signal: ac.signal });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const received: AdminEvent[] = [];
  let buffer = '';
  async function next(match: (e: AdminEvent) => boolean): Promise<AdminEvent> {
    for (;;) {
      const i = received.findIndex(match);
      if (i >= 0) return received.splice(i, 1)[0]!;
      const { value, done } = await reader.read();
      if (done) throw new Error('the event stream ended');
      buffer += decoder.decode(value, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        for (const line of buffer.slice(0, end).split('\n')) if (line.startsWith('data: ')) received.push(JSON.parse(line.slice(6)) as AdminEvent);
        buffer = buffer.slice(end + 2);
      }
    }
  }
  return { contentType: res.headers.get('content-type') ?? '', next, close: () => ac.abort() };
}

describe('admin API', () => {
  it('GET /admin/v1/health answers { ok: true, version }', async () => {
    const r = await t.admin<{ ok: boolean; version: string }>('/admin/v1/health');
    expect({ status: r.status, ok: r.body.ok, version: r.body.version }).toEqual({ status: 200, ok: true, version: VERSION });
  });

  it('lists traces newest first and pages through them with a cursor', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await chat(`page me ${i}`)).traceId);
    await waitForTraces(5);
    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const page: Page<Trace> = await traces(`?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      pages.push(page.items.map((x) => x.id));
      cursor = page.nextCursor;
    } while (cursor !== null && pages.length < 10);
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    expect(new Set(pages.flat()).size).toBe(5);
    expect(pages.flat()).toEqual([...ids].reverse());
  });

  it('filters traces by project, model, status=error and cache=hit', async () => {
    const a1 = await chat('alpha one', { project: 'alpha' });
    const a2 = await chat('alpha two', { project: 'alpha', model: 'gpt-4o' });
    await chat('beta one', { project: 'beta' });
    const hit = await chat('beta one', { project: 'beta' });
    expect(hit.cache).toBe('hit');
    await expect(t.client().chat.completions.create({ model: 'mock-error-400', messages: [{ role: 'user', content: 'x' }] })).rejects.toBeInstanceOf(APIError);
    await waitForTraces(5);

    const ids = async (q: string) => (await traces(q)).items.map((x) => x.id).sort();
    expect(await ids('?project=alpha')).toEqual([a1.traceId, a2.traceId].sort());
    expect(await ids('?model=gpt-4o')).toEqual([a2.traceId]);
    expect(await ids('?cache=hit')).toEqual([hit.traceId]);
    const errors = (await traces('?status=error')).items;
    expect(errors.map((x) => [x.modelRequested, x.status])).toEqual([['mock-error-400', 400]]);
    expect((await traces('?project=beta&cache=miss')).items).toHaveLength(1);
    // the dashboard's own filter vocabulary: status classes, hits by layer, text over every field it shows
    expect((await traces('?status=4xx')).items.map((x) => x.status)).toEqual([400]);
    expect((await traces('?status=5xx')).items).toEqual([]);
    expect((await ids('?status=ok')).length).toBe(4);
    // a filter value that names a property of Object.prototype is an unknown value like any other: ignored
    expect((await traces('?status=valueOf')).items.length).toBe((await traces('')).items.length);
    const exported = await t.admin<string>('/admin/v1/traces/export?status=valueOf&format=jsonl');
    expect(exported.status).toBe(200);
    expect(exported.body.trim().split('\n')).toHaveLength((await traces('')).items.length);
    expect(await ids('?cache=hit-exact')).toEqual([hit.traceId]);
    expect(await ids('?cache=hit-semantic')).toEqual([]);
    expect(await ids('?q=BETA')).toHaveLength(2); // project, case-insensitive
    expect(await ids(`?q=${a2.traceId}`)).toEqual([a2.traceId]);
    expect(await ids('?q=%25')).toEqual([]); // '%' is text, not a wildcard
  });

  it('returns one trace with its request and response bodies, and 404 for an unknown id', async () => {
    const { traceId } = await chat('show my bodies');
    const trace = await eventually(async () => {
      const r = await t.admin<TraceDetail>(`/admin/v1/traces/${traceId}`);
      return r.status === 200 ? r.body : null;
    });
    expect(trace.id).toBe(traceId);
    expect(trace.request).toMatchObject({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'show my bodies' }] });
    expect(trace.response).toMatchObject({ object: 'chat.completion', choices: [{ message: { content: 'Echo: show my bodies' } }] });
    expectOpenAIError(await t.admin('/admin/v1/traces/tr_nope'), 404, 'not_found');
  });

  it('creates, reads and patches projects, validating every field', async () => {
    const created = await t.admin<Project>('/admin/v1/projects', { method: 'POST', body: { slug: 'shop', name: 'Shop', budget: { dailyUsd: 5 } } });
    expect(created).toMatchObject({ status: 201, body: {
      slug: 'shop', name: 'Shop', cachePolicy: 'deterministic', budget: { dailyUsd: 5, monthlyUsd: null, mode: 'block' },
      limits: { rpm: null, tpm: null, concurrency: null }, spend: { todayUsd: 0, monthUsd: 0 },
    } });
    expect((await t.admin<{ items: Project[] }>('/admin/v1/projects')).body.items.map((p) => p.slug)).toContain('shop');
    expect((await t.admin('/admin/v1/projects', { method: 'POST', body: { slug: 'shop' } })).status).toBe(409);
    const badSlug = await t.admin('/admin/v1/projects', { method: 'POST', body: { slug: 'Not A Slug' } });
    expectOpenAIError(badSlug, 400, 'invalid_request', 'slug');

    const patch = (body: unknown) => t.admin<Project>('/admin/v1/projects/shop', { method: 'PATCH', body });
    expect((await patch({ budget: { monthlyUsd: 100, mode: 'downgrade' } })).body.budget).toEqual({ dailyUsd: 5, monthlyUsd: 100, mode: 'downgrade' });
    expect((await patch({ budget: { dailyUsd: null } })).body.budget).toEqual({ dailyUsd: null, monthlyUsd: 100, mode: 'downgrade' });
    expect((await patch({ limits: { rpm: 60, concurrency: 4 } })).body.limits).toEqual({ rpm: 60, tpm: null, concurrency: 4 });
    expect((await patch({ cachePolicy: 'always' })).body.cachePolicy).toBe('always');
    const before = (await t.admin<Project>('/admin/v1/projects/shop')).body;
    expect(before).toMatchObject({ cachePolicy: 'always', limits: { rpm: 60 }, budget: { monthlyUsd: 100 } });

    const bad: Array<[unknown, string]> = [
      [{ budget: { dailyUsd: -1 } }, 'budget.dailyUsd'], [{ budget: { monthlyUsd: 'lots' } }, 'budget.monthlyUsd'],
      [{ budget: { mode: 'panic' } }, 'budget.mode'], [{ budget: 'big' }, 'budget'], [{ limits: { rpm: 'fast' } }, 'limits.rpm'],
      [{ limits: { concurrency: -2 } }, 'limits.concurrency'], [{ cachePolicy: 'sometimes' }, 'cachePolicy'],
    ];
    for (const [body, param] of bad) {
      const r = await patch(body);
      expectOpenAIError(r, 400, 'invalid_request', param);
      expect(r.body).toMatchObject({ error: { type: 'invalid_request_error' } });
    }
    expect((await t.admin<Project>('/admin/v1/projects/shop')).body).toEqual(before);
    expectOpenAIError(await t.admin('/admin/v1/projects/nope', { method: 'PATCH', body: { name: 'x' } }), 404, 'not_found');
  });

  it('an acknowledged change is committed to disk before the answer (kill -9 right after cannot lose it)', async () => {
    await t.close();
    t = await startTestGateway({ commitWindowMs: 60_000 }); // the trace below stays in the open group commit
    await chat('an open group commit holds this trace');
    expect((await t.admin('/admin/v1/aliases/durable', { method: 'PUT', body: { targets: ['openai/gpt-4o-mini'] } })).status).toBe(200);
    // a second connection sees only committed data, as the database would after kill -9
    const disk = new Database(join(t.dataDir, 'tollgate.db'), { readonly: true });
    try {
      expect(disk.prepare('SELECT name FROM aliases WHERE name = ?').get('durable')).toEqual({ name: 'durable' });
      expect(disk.prepare('SELECT count(*) AS n FROM traces').get()).toEqual({ n: 1 }); // committed with it
    } finally { disk.close(); }
  });

  it('keeps no bodies or headers for a project that says so, only the trace row', async () => {
    expect((await t.admin('/admin/v1/projects', { method: 'POST', body: { slug: 'private', keepBodies: 'no' } })).body)
      .toMatchObject({ error: { type: 'invalid_request_error', param: 'keepBodies' } });
    expect((await t.admin<Project>('/admin/v1/projects', { method: 'POST', body: { slug: 'private', keepBodies: false } })).body.keepBodies).toBe(false);
    const secret = await chat('my card number is 4242', { project: 'private' });
    const kept = await chat('nothing to hide');
    const detail = await eventually(async () => (await t.admin<TraceDetail>(`/admin/v1/traces/${secret.traceId}`)).body);
    expect(detail).toMatchObject({ project: 'private', status: 200, bodiesKept: false, request: null, response: null, requestHeaders: {}, responseHeaders: {} });
    expect(detail.promptTokens).toBeGreaterThan(0); // the trace row itself is whole
    expect((await t.admin<TraceDetail>(`/admin/v1/traces/${kept.traceId}`)).body).toMatchObject({ bodiesKept: true, request: { messages: [{ content: 'nothing to hide' }] } });
    const disk = new Database(join(t.dataDir, 'tollgate.db'), { readonly: true });
    try {
      expect(disk.prepare('SELECT count(*) AS n FROM trace_bodies WHERE trace_id = ?').get(secret.traceId)).toEqual({ n: 0 });
      const rows = disk.prepare("SELECT request_body FROM trace_bodies WHERE request_body LIKE '%4242%'").all();
      expect(rows).toEqual([]);
    } finally { disk.close(); }
    // turned back on, the next request keeps its bodies again
    expect((await t.admin<Project>('/admin/v1/projects/private', { method: 'PATCH', body: { keepBodies: true } })).body.keepBodies).toBe(true);
    const again = await chat('now keep this', { project: 'private' });
    expect((await eventually(async () => (await t.admin<TraceDetail>(`/admin/v1/traces/${again.traceId}`)).body)).bodiesKept).toBe(true);
  });

  it('exports the traces the filters match as CSV or JSON lines, paging through all of them', async () => {
    const client = t.client({ project: 'export', headers: { 'x-tollgate-user': 'ann, "the admin"', 'x-tollgate-feature': '=cmd()' } });
    for (let i = 0; i < 1005; i++) await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `n${i}` }], temperature: 0.5 });
    await expect(client.chat.completions.create({ model: 'mock-error-400', messages: [{ role: 'user', content: 'bad' }] })).rejects.toBeInstanceOf(APIError);
    await chat('elsewhere'); // another project: filtered out

    const csv = await t.admin<string>('/admin/v1/traces/export?project=export');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename="tollgate-traces-[\d-]+\.csv"$/);
    const lines = csv.body.trimEnd().split('\r\n');
    expect(lines[0]).toBe('time,id,project,user,feature,tags,endpoint,model_requested,model_used,provider,status,stream,cache,cache_layer,latency_ms,ttfb_ms,prompt_tokens,cached_tokens,completion_tokens,cost_usd,saved_usd,routing_saved_usd,usage_estimated,error');
    expect(lines).toHaveLength(1 + 1006); // every page, not just the first 1,000
    expect(lines[1]).toContain(`,export,"ann, ""the admin""",'=cmd(),,chat.completions,mock-error-400,`); // quoted; no formula
    expect(new Set(lines.slice(1).map((l) => l.split(',')[1])).size).toBe(1006);

    const jsonl = await t.admin<string>('/admin/v1/traces/export?project=export&status=error&format=jsonl');
    expect(jsonl.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    // one line of JSON lines is itself JSON, which the helper parses
    const text = typeof jsonl.body === 'string' ? jsonl.body : JSON.stringify(jsonl.body);
    const rows = text.trimEnd().split('\n').map((l) => JSON.parse(l) as Trace);
    expect(rows.map((r) => [r.project, r.status, r.modelRequested])).toEqual([['export', 400, 'mock-error-400']]);
    expect(Object.keys(rows[0]!)).not.toContain('request'); // no bodies

    expect((await t.admin('/admin/v1/traces/export?format=xlsx')).body).toMatchObject({ error: { param: 'format' } });
  });

  it('creates a project on first use of /p/<slug>/v1 and counts its spend', async () => {
    expect((await t.admin('/admin/v1/projects/fresh')).status).toBe(404);
    const first = await chat('spend one', { project: 'fresh' });
    const second = await chat('spend two', { project: 'fresh' });
    await chat('spend elsewhere', { project: 'other' });
    expect(first.costUsd).toBeGreaterThan(0);
    expect(await t.admin('/admin/v1/projects/fresh')).toMatchObject({ status: 200, body: { slug: 'fresh', cachePolicy: 'deterministic' } });
    const expected = first.costUsd + second.costUsd;
    const today = await eventually(async () => {
      const s = (await t.admin<Project>('/admin/v1/projects/fresh')).body.spend;
      return Math.abs(s.todayUsd - expected) < 1e-12 ? s : null;
    });
    expect(today.monthUsd).toBeGreaterThanOrEqual(today.todayUsd);
    const slugs = (await t.admin<{ items: Project[] }>('/admin/v1/projects')).body.items.map((x) => x.slug);
    expect(slugs).toEqual(expect.arrayContaining(['fresh', 'other']));
  });

  it('lists, searches, sorts, inspects and deletes cache entries', async () => {
    const tags = (v: string) => ({ 'x-tollgate-cache-tags': v });
    await chat('What is a banana?', { project: 'shop', headers: tags('fruit,faq') });
    await chat('What is a cherry?', { project: 'shop', model: 'gpt-4o', headers: tags('fruit') });
    await chat('Write about rockets', { project: 'blog', headers: tags('space') });
    for (const [q, model] of [['What is a banana?', 'gpt-4o-mini'], ['What is a banana?', 'gpt-4o-mini'], ['What is a cherry?', 'gpt-4o']] as const) {
      expect((await chat(q, { project: 'shop', model })).cache).toBe('hit');
    }
    expect(await prompts()).toEqual(['What is a banana?', 'What is a cherry?', 'Write about rockets']);
    expect(await prompts('?q=banana')).toEqual(['What is a banana?']);
    expect(await prompts('?project=blog')).toEqual(['Write about rockets']);
    expect(await prompts('?model=gpt-4o')).toEqual(['What is a cherry?']);
    expect(await prompts('?tag=fruit')).toEqual(['What is a banana?', 'What is a cherry?']);
    expect(await prompts('?tag=faq')).toEqual(['What is a banana?']);
    const byHits = await eventually(async () => {
      const items = await entries('?sort=hits');
      return items[0]?.hits === 2 && items[1]?.hits === 1 ? items : null;
    });
    expect(byHits.map((e) => [e.prompt, e.hits])).toEqual([['What is a banana?', 2], ['What is a cherry?', 1], ['Write about rockets', 0]]);
    expect(byHits[0]!.savedUsd).toBeGreaterThan(0);
    expect((await entries('?sort=toString')).map((e) => e.prompt)).toEqual((await entries('?sort=age')).map((e) => e.prompt));
    const firstPage = (await t.admin<Page<CacheEntry>>('/admin/v1/cache/entries?limit=2')).body;
    const rest = (await t.admin<Page<CacheEntry>>(`/admin/v1/cache/entries?limit=2&cursor=${firstPage.nextCursor}`)).body;
    expect([firstPage.items.length, rest.items.length, rest.nextCursor]).toEqual([2, 1, null]);

    const banana = byHits[0]!;
    const detail = await t.admin<CacheEntryDetail>(`/admin/v1/cache/entries/${encodeURIComponent(banana.id)}`);
    expect(detail.body).toMatchObject({ id: banana.id, project: 'shop', model: 'gpt-4o-mini', tags: ['fruit', 'faq'] });
    expect(detail.body.request).toMatchObject({ messages: [{ role: 'user', content: 'What is a banana?' }] });
    expect(detail.body.response).toMatchObject({ choices: [{ message: { content: 'Echo: What is a banana?' } }] });

    const del = await t.admin(`/admin/v1/cache/entries/${encodeURIComponent(banana.id)}`, { method: 'DELETE' });
    expect(del).toMatchObject({ status: 200, body: { removed: 1 } });
    expect((await t.admin(`/admin/v1/cache/entries/${encodeURIComponent(banana.id)}`)).status).toBe(404);
    expect((await t.admin(`/admin/v1/cache/entries/${encodeURIComponent(banana.id)}`, { method: 'DELETE' })).status).toBe(404);
    const calls = chatCalls();
    expect((await chat('What is a banana?', { project: 'shop' })).cache).toBe('miss');
    expect(chatCalls()).toBe(calls + 1);
  });

  it('invalidates exactly the entries a filter matches, and dryRun only counts', async () => {
    clockOffsetMs = -3_600_000;
    await chat('alpha one', { project: 'p1', headers: { 'x-tollgate-cache-tags': 't1' } });
    clockOffsetMs = 0;
    await chat('beta two', { project: 'p1', model: 'gpt-4o', headers: { 'x-tollgate-cache-tags': 't2' } });
    await chat('alpha three', { project: 'p2', headers: { 'x-tollgate-cache-tags': 't1,t2' } });
    await chat('gamma four', { project: 'p2', model: 'gpt-4o' });
    await chat('delta five', { project: 'p3' });
    await chat('epsilon six', { project: 'p1' });
    const all = ['alpha one', 'alpha three', 'beta two', 'delta five', 'epsilon six', 'gamma four'];
    expect(await prompts()).toEqual(all);

    const invalidate = (body: unknown) => t.admin<{ removed: number; dryRun?: boolean }>('/admin/v1/cache/invalidate', { method: 'POST', body });
    const dry = await invalidate({ project: 'p2', dryRun: true });
    expect(dry.body).toMatchObject({ removed: 2, dryRun: true });
    expect(await prompts()).toEqual(all);

    const steps: Array<[unknown, number, string[]]> = [
      [{ olderThanSec: 1800 }, 1, ['alpha three', 'beta two', 'delta five', 'epsilon six', 'gamma four']],
      [{ tag: 't' }, 0, ['alpha three', 'beta two', 'delta five', 'epsilon six', 'gamma four']],
      [{ tag: 't1' }, 1, ['beta two', 'delta five', 'epsilon six', 'gamma four']],
      [{ match: 'gamma' }, 1, ['beta two', 'delta five', 'epsilon six']],
      [{ model: 'gpt-4o' }, 1, ['delta five', 'epsilon six']],
      [{ project: 'p3' }, 1, ['epsilon six']],
    ];
    for (const [filter, removed, left] of steps) {
      expect(await invalidate(filter), JSON.stringify(filter)).toMatchObject({ status: 200, body: { removed } });
      expect(await prompts()).toEqual(left);
    }
    const calls = chatCalls();
    expect((await chat('gamma four', { project: 'p2', model: 'gpt-4o' })).cache).toBe('miss');
    expect((await chat('epsilon six', { project: 'p1' })).cache).toBe('hit');
    expect(chatCalls()).toBe(calls + 1);

    expectOpenAIError(await invalidate({ olderThanSec: -1 }), 400, 'invalid_request', 'olderThanSec');
    expectOpenAIError(await invalidate({ project: 5 }), 400, 'invalid_request', 'project');
  });

  it('streams hello, trace and cache events over SSE', async () => {
    const events = await openEvents();
    try {
      expect(events.contentType).toContain('text/event-stream');
      expect((await events.next(() => true)).type).toBe('hello');
      const miss = await chat('live event please', { project: 'live' });
      const trace = await events.next((e) => e.type === 'trace' && e.trace.id === miss.traceId);
      expect(trace).toMatchObject({ trace: { project: 'live', status: 200, cache: 'miss', modelRequested: 'gpt-4o-mini' } });
      const stored = await events.next((e) => e.type === 'cache' && e.action === 'stored');
      expect(stored).toMatchObject({ entry: { project: 'live', prompt: 'live event please' } });

      const hit = await chat('live event please', { project: 'live' });
      expect(await events.next((e) => e.type === 'trace' && e.trace.id === hit.traceId)).toMatchObject({ trace: { cache: 'hit' } });
      const id = stored.type === 'cache' && stored.action === 'stored' ? stored.entry.id : '';
      await t.admin(`/admin/v1/cache/entries/${encodeURIComponent(id)}`, { method: 'DELETE' });
      expect(await events.next((e) => e.type === 'cache' && e.action === 'invalidated')).toMatchObject({ removed: 1 });
    } finally {
      events.close();
    }
  });

  it('PUT /providers/openai moves the upstream, keeps apiKey write-only and refuses a loop', async () => {
    const second = await startMockUpstream({ quiet: true });
    extraMocks.push(second);
    const put = (body: unknown) => t.admin<ProviderSettings>('/admin/v1/providers/openai', { method: 'PUT', body });
    const moved = await put({ baseUrl: second.url });
    expect(moved).toMatchObject({ status: 200, body: { id: 'openai', baseUrl: second.url, hasApiKey: true } });
    await chat('to the second mock');
    expect(second.count('/chat/completions')).toBe(1);
    expect(chatCalls()).toBe(0);

    const key = 'sk-proj-WRITEONLY0123456789abcdef';
    const keyed = await put({ apiKey: key });
    expect(keyed.body).toMatchObject({ baseUrl: second.url, hasApiKey: true });
    const listed = await t.admin<{ items: ProviderSettings[] }>('/admin/v1/providers');
    expect(listed.body.items).toEqual([expect.objectContaining({ id: 'openai', baseUrl: second.url, hasApiKey: true })]);
    for (const body of [keyed.body, listed.body]) expect(JSON.stringify(body)).not.toContain(key);
    await chat('with the new key');
    expect(second.calls.at(-1)!.headers.authorization).toBe(`Bearer ${key}`);

    const { proxyPort, adminPort } = t.addresses;
    for (const url of [`http://127.0.0.1:${proxyPort}/v1`, `http://localhost:${proxyPort}/v1`, `http://127.0.0.1:${adminPort}`]) {
      expectOpenAIError(await put({ baseUrl: url }), 400, 'upstream_loop');
    }
    expectOpenAIError(await put({ baseUrl: 'not a url' }), 400, 'invalid_request', 'baseUrl');
    expectOpenAIError(await t.admin('/admin/v1/providers/nope', { method: 'PUT', body: {} }), 404, 'not_found');
    await chat('still the second mock');
    expect(second.count('/chat/completions')).toBe(3);
    expect(chatCalls()).toBe(0);
  });
});
