import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpendRow, Trace } from '../../shared/api/dto';
import { startTestGateway, type TestGateway } from '../support/start-gateway';
import { fetchTrace } from '../support/wire';

const GATEWAY_KEY = 'sk-gateway-key-0000000000000000';
const CLIENT_KEY = 'sk-proj-clientKEY1234567890abcdef';
const PROMPT_KEY = 'sk-live-pastedIntoPrompt0987654321';

/** gpt-4o-mini per 1M tokens: $0.15 input, $0.075 cached input, $0.60 output (resources/pricing.json). */
const miniCost = (prompt: number, cached: number, completion: number) =>
  ((prompt - cached) * 0.15 + cached * 0.075 + completion * 0.6) / 1e6;
const usageHeader = (prompt: number, cached: number, completion: number) =>
  ({ 'x-mock-usage': JSON.stringify({ prompt_tokens: prompt, cached_tokens: cached, completion_tokens: completion }) });

describe('attribution and keys', () => {
  let t: TestGateway;
  beforeAll(async () => { t = await startTestGateway(); });
  afterAll(() => t.close());

  const lastCall = () => t.mock.calls[t.mock.calls.length - 1]!;
  const ask = (content: string) => ({ model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content }] });

  it('puts x-tollgate-user, -feature and -tags on the trace, and keeps them from the upstream', async () => {
    const client = t.client({ headers: { 'x-tollgate-user': 'alice', 'x-tollgate-feature': 'search', 'x-tollgate-tags': 'beta, eu ,,nightly' } });
    const { response } = await client.chat.completions.create({ ...ask('who am i'), user: 'body-user' }).withResponse();
    const trace = await fetchTrace(t, response.headers.get('x-tollgate-trace-id'));
    expect(trace).toMatchObject({ user: 'alice', feature: 'search', tags: ['beta', 'eu', 'nightly'] });
    expect(Object.keys(lastCall().headers).filter((h) => h.startsWith('x-tollgate-') && h !== 'x-tollgate-hop')).toEqual([]);
    expect(lastCall().body.user).toBe('body-user');
  });

  it('falls back to the body user field', async () => {
    const { response } = await t.client().chat.completions.create({ ...ask('who else'), user: 'bob' }).withResponse();
    const trace = await fetchTrace(t, response.headers.get('x-tollgate-trace-id'));
    expect(trace).toMatchObject({ user: 'bob', feature: null, tags: [] });
  });

  it('forwards the client\'s own sk- key, and the gateway key for anything else', async () => {
    await t.client({ apiKey: CLIENT_KEY }).chat.completions.create(ask('mine'));
    expect(lastCall().headers.authorization).toBe(`Bearer ${CLIENT_KEY}`);
    await t.client({ apiKey: 'tollgate-local' }).chat.completions.create(ask('yours'));
    expect(lastCall().headers.authorization).toBe(`Bearer ${GATEWAY_KEY}`);
    await t.client({ apiKey: CLIENT_KEY }).embeddings.create({ model: 'text-embedding-3-small', input: 'mine too' });
    expect(lastCall().headers.authorization).toBe(`Bearer ${CLIENT_KEY}`);
    await t.client({ apiKey: 'not-a-key' }).models.list();
    expect(lastCall().headers.authorization).toBe(`Bearer ${GATEWAY_KEY}`);
  });

  it('never shows a key in a trace, plain or streamed', async () => {
    const client = t.client({ apiKey: CLIENT_KEY });
    const plain = await client.chat.completions.create(ask(`my key is ${PROMPT_KEY}`)).withResponse();
    const stream = await client.chat.completions.create({ ...ask(`again ${PROMPT_KEY}`), stream: true }).withResponse();
    for await (const _ of stream.data) { /* drain */ }
    const passthrough = await fetch(`${t.addresses.proxyUrl}/files?key=1`, { headers: { authorization: `Bearer ${CLIENT_KEY}` } });
    expect(lastCall().headers.authorization).toBe(`Bearer ${CLIENT_KEY}`);

    for (const id of [plain.response.headers.get('x-tollgate-trace-id'), stream.response.headers.get('x-tollgate-trace-id'), passthrough.headers.get('x-tollgate-trace-id')]) {
      const trace = await fetchTrace(t, id);
      const text = JSON.stringify(trace);
      for (const key of [CLIENT_KEY, GATEWAY_KEY, PROMPT_KEY]) expect(text).not.toContain(key.slice(3));
      expect(trace.requestHeaders.authorization).toBe('[REDACTED]');
    }
    const list = JSON.stringify((await t.admin('/admin/v1/traces?limit=100')).body);
    for (const key of [CLIENT_KEY, GATEWAY_KEY, PROMPT_KEY]) expect(list).not.toContain(key.slice(3));
  });
});

describe('spend rollups', () => {
  let t: TestGateway;
  // a fixed local noon, so the day bucket is known
  const noon = new Date(2025, 5, 15, 12, 0, 0).getTime();
  beforeAll(async () => { t = await startTestGateway({ now: () => noon }); });
  afterAll(() => t.close());

  interface Call { project?: string; user?: string; feature?: string; usage: [number, number, number]; temperature?: number }
  const calls: Call[] = [
    { project: 'shop', user: 'alice', feature: 'search', usage: [1000, 200, 500] },
    { project: 'shop', user: 'alice', feature: 'chat', usage: [3000, 0, 120] },
    { project: 'shop', user: 'bob', feature: 'search', usage: [250, 50, 75] },
    { project: 'blog', user: 'bob', usage: [777, 0, 333] },
    { usage: [10, 0, 1] },
    // deterministic and identical to the first: a cache hit, $0 with the first call's cost saved
    { project: 'shop', user: 'alice', feature: 'search', usage: [1000, 200, 500], temperature: 0 },
    { project: 'shop', user: 'alice', feature: 'search', usage: [1000, 200, 500], temperature: 0 },
  ];
  const traces: Trace[] = [];

  beforeAll(async () => {
    for (const [i, c] of calls.entries()) {
      const headers: Record<string, string> = { ...usageHeader(...c.usage) };
      if (c.user) headers['x-tollgate-user'] = c.user;
      if (c.feature) headers['x-tollgate-feature'] = c.feature;
      const content = c.temperature === 0 ? 'cached question' : `question ${i}`;
      const { response } = await t.client({ project: c.project }).chat.completions
        .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], temperature: c.temperature ?? 1 }, { headers })
        .withResponse();
      traces.push(await fetchTrace(t, response.headers.get('x-tollgate-trace-id')));
    }
  });

  it('prices each trace from the pricing table', () => {
    calls.slice(0, 6).forEach((c, i) => expect(traces[i]!.costUsd).toBeCloseTo(miniCost(...c.usage), 15));
    expect(traces[0]!.costUsd).toBeCloseTo(0.000435, 15);
    expect(traces[6]).toMatchObject({ cache: 'hit', costUsd: 0 });
    expect(traces[6]!.savedUsd).toBe(traces[5]!.costUsd);
    expect(t.mock.count('/chat/completions')).toBe(6);
  });

  it.each(['project', 'user', 'feature', 'day'] as const)('GET /admin/v1/spend?groupBy=%s sums the traces', async (groupBy) => {
    const keyOf = (tr: Trace) =>
      groupBy === 'project' ? tr.project : groupBy === 'user' ? tr.user ?? '' : groupBy === 'feature' ? tr.feature ?? '' : '2025-06-15';
    const expected = new Map<string, { costUsd: number; savedUsd: number; requests: number }>();
    for (const tr of traces) {
      const row = expected.get(keyOf(tr)) ?? { costUsd: 0, savedUsd: 0, requests: 0 };
      row.costUsd += tr.costUsd!;
      row.savedUsd += tr.savedUsd;
      row.requests += 1;
      expected.set(keyOf(tr), row);
    }

    const res = await t.admin<{ items: SpendRow[] }>(`/admin/v1/spend?groupBy=${groupBy}`);
    expect(res.status).toBe(200);
    expect(res.body.items.map((r) => r.key).sort()).toEqual([...expected.keys()].sort());
    for (const row of res.body.items) {
      const want = expected.get(row.key)!;
      expect(row.requests).toBe(want.requests);
      expect(row.costUsd).toBeCloseTo(want.costUsd, 15);
      expect(row.savedUsd).toBeCloseTo(want.savedUsd, 15);
    }
    const total = res.body.items.reduce((n, r) => n + r.costUsd, 0);
    expect(total).toBeCloseTo(calls.slice(0, 6).reduce((n, c) => n + miniCost(...c.usage), 0), 15);
  });

  it('filters spend by project', async () => {
    const res = await t.admin<{ items: SpendRow[] }>('/admin/v1/spend?groupBy=user&project=blog');
    expect(res.body.items).toEqual([expect.objectContaining({ key: 'bob', requests: 1 })]);
    expect(res.body.items[0]!.costUsd).toBeCloseTo(miniCost(777, 0, 333), 15);
  });
});
