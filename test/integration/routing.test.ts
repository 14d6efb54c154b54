import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TraceDetail } from '../../shared/api/dto';
import { startMockUpstream, type MockUpstream } from '../support/mock-upstream';
import { startTestGateway, type TestGateway } from '../support/start-gateway';
import { catchApiError, fetchTrace } from '../support/wire';
import { freePort } from '../support/free-port';

/** A seeded PRNG (mulberry32): weighted picks are random, yet the test is repeatable. */
function seeded(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

let t: TestGateway;
let client: OpenAI;
let backup: MockUpstream;
let clock = 1_700_000_000_000;

beforeAll(async () => {
  backup = await startMockUpstream({ quiet: true });
  t = await startTestGateway({
    now: () => clock,
    routing: { retry: { baseDelayMs: 5, maxDelayMs: 20 }, breaker: { failureThreshold: 3, cooldownMs: 30_000 }, random: seeded(42) },
  });
  client = t.client();
  const deadPort = await freePort();
  for (const [id, body] of [
    ['backup', { kind: 'openai-compatible', baseUrl: backup.url, apiKey: 'backup-key-000000000' }],
    ['dead', { kind: 'openai-compatible', baseUrl: `http://127.0.0.1:${deadPort}/v1` }],
  ] as const) {
    expect((await t.admin(`/admin/v1/providers/${id}`, { method: 'PUT', body })).status).toBe(200);
  }
});
afterAll(async () => { await t.close(); await backup.close(); });
beforeEach(() => { t.mock.reset(); backup.reset(); });

const hello = (model: string, content = 'hello') => ({ model, messages: [{ role: 'user' as const, content }] });
const call = (model: string, content?: string) => client.chat.completions.create(hello(model, content)).withResponse();
const traceOf = (r: { response: Response }) => fetchTrace(t, r.response.headers.get('x-tollgate-trace-id'));
const putAlias = (name: string, body: unknown, project?: string) =>
  t.admin(project ? `/admin/v1/projects/${project}/aliases/${name}` : `/admin/v1/aliases/${name}`, { method: 'PUT', body });

describe('retries', () => {
  it('a 500 then success is retried, and the trace shows both attempts', async () => {
    t.mock.script([{ status: 500 }]);
    const r = await call('gpt-4o-mini');
    expect(r.data.choices[0]!.message.content).toBe('Echo: hello');
    expect(t.mock.count('/chat/completions')).toBe(2);
    const trace = await traceOf(r);
    expect(trace.status).toBe(200);
    expect(trace.attempts.map((a) => [a.target, a.status, a.outcome])).toEqual([
      ['openai/gpt-4o-mini', 500, 'retry'], ['openai/gpt-4o-mini', 200, 'ok'],
    ]);
    expect(trace.attempts[0]!.error).toContain('Scripted HTTP 500');
  });

  it("honours the provider's retry-after, then backs off on its own", async () => {
    t.mock.script([{ status: 429, retryAfterMs: 40 }, { status: 502 }]);
    const r = await call('gpt-4o-mini');
    expect(r.response.status).toBe(200);
    expect(t.mock.count('/chat/completions')).toBe(3);
    const trace = await traceOf(r);
    expect(trace.attempts.map((a) => [a.status, a.outcome])).toEqual([[429, 'retry'], [502, 'retry'], [200, 'ok']]);
    expect(trace.attempts[0]!.waitMs).toBe(40);
    // exponential backoff with jitter: attempt 1 waits within (base·2/2, base·2] = (5, 10] ms here
    expect(trace.attempts[1]!.waitMs).toBeGreaterThanOrEqual(5);
    expect(trace.attempts[1]!.waitMs).toBeLessThanOrEqual(10);
  });

  it('retries a connection the upstream drops before answering', async () => {
    t.mock.script([{ reset: true }, { reset: true }]);
    const r = await call('gpt-4o-mini', 'after resets');
    expect(r.data.choices[0]!.message.content).toBe('Echo: after resets');
    expect(t.mock.count('/chat/completions')).toBe(3);
  });

  it('never retries a 4xx that would fail again, nor falls through with it', async () => {
    await putAlias('strict', { targets: ['openai/mock-error-400', 'backup/gpt-4o-mini'] });
    const err = await catchApiError(client.chat.completions.create(hello('strict')));
    expect(err.status).toBe(400);
    expect(err.param).toBe('temperature');
    expect(t.mock.count('/chat/completions')).toBe(1);
    expect(backup.count()).toBe(0);
  });

  it('never retries a stream once bytes reached the client', async () => {
    const stream = await client.chat.completions.create({ ...hello('mock-reset'), stream: true });
    const failed = await (async () => { for await (const _ of stream) { /* read */ } })().then(() => false, () => true);
    expect(failed).toBe(true);
    expect(t.mock.count('/chat/completions')).toBe(1);
  });

  it('a streamed request that fails before any byte is retried like any other', async () => {
    t.mock.script([{ status: 503 }]);
    const stream = await client.chat.completions.create({ ...hello('gpt-4o-mini', 'streamed retry'), stream: true });
    let text = '';
    for await (const c of stream) text += c.choices[0]?.delta?.content ?? '';
    expect(text).toBe('Echo: streamed retry');
    expect(t.mock.count('/chat/completions')).toBe(2);
  });
});

describe('fallbacks and aliases', () => {
  it('an alias routes to its first healthy target, with the target model name', async () => {
    expect((await putAlias('smart', { targets: ['openai/gpt-4o', 'backup/llama-3.3-70b'] })).status).toBe(200);
    const r = await call('smart');
    expect(t.mock.calls.at(-1)!.body.model).toBe('gpt-4o');
    expect(backup.count()).toBe(0);
    const trace = await traceOf(r);
    expect(trace).toMatchObject({ modelRequested: 'smart', provider: 'openai' });
    expect(trace.routing).toMatchObject({ alias: 'smart', aliasScope: 'global', strategy: 'ordered', candidates: ['openai/gpt-4o', 'backup/llama-3.3-70b'] });
  });

  it('a dead first target falls through to the second', async () => {
    await putAlias('resilient', { targets: ['dead/some-model', 'backup/llama-3.3-70b'] });
    const r = await call('resilient', 'still answered');
    expect(r.data.choices[0]!.message.content).toBe('Echo: still answered');
    expect(backup.calls.at(-1)!.body.model).toBe('llama-3.3-70b');
    expect(backup.calls.at(-1)!.headers.authorization).toBe('Bearer backup-key-000000000');
    const trace = await traceOf(r);
    expect(trace.provider).toBe('backup');
    expect(trace.attempts.map((a) => [a.target, a.status, a.outcome])).toEqual([
      ['dead/some-model', null, 'fallback'], ['backup/llama-3.3-70b', 200, 'ok'],
    ]);
    expect(trace.attempts[0]!.error).toContain('ECONNREFUSED');
  });

  it('all targets failing is 502 naming each provider and its message', async () => {
    await putAlias('doomed', { targets: ['dead/x', 'openai/mock-error-500'] });
    const err = await catchApiError(client.chat.completions.create(hello('doomed')));
    expect(err.status).toBe(502);
    expect(err.type).toBe('upstream_error');
    expect(err.message).toContain('dead/x:');
    expect(err.message).toContain('ECONNREFUSED');
    expect(err.message).toContain('openai/mock-error-500:');
    expect(err.message).toContain('The server had an error');
  });

  it("a project's alias shadows the global one", async () => {
    await putAlias('fast', { targets: ['openai/gpt-4o-mini'] });
    await client.chat.completions.create(hello('fast'));
    expect(t.mock.count()).toBe(1);
    await t.client({ project: 'team-b' }).chat.completions.create(hello('gpt-4o-mini')); // creates the project
    expect((await putAlias('fast', { targets: ['backup/llama-3.1-8b'] }, 'team-b')).status).toBe(200);
    await t.client({ project: 'team-b' }).chat.completions.create(hello('fast'));
    expect(backup.calls.at(-1)!.body.model).toBe('llama-3.1-8b');
    const listed = await t.admin<{ items: Array<{ name: string }> }>('/admin/v1/projects/team-b/aliases');
    expect(listed.body.items.map((a) => a.name)).toEqual(['fast']);
  });

  it('refuses aliases that point nowhere, with close names', async () => {
    const bad = await putAlias('typo', { targets: ['nope/gpt-4o-mni'] });
    expect(bad.status).toBe(400);
    expect((bad.body as any).error).toMatchObject({ code: 'model_not_found', param: 'targets[0]' });
    expect((bad.body as any).error.message).toContain('gpt-4o-mini');
    expect((await putAlias('x/y', { targets: ['gpt-4o'] })).status).toBe(404); // a slash is no alias name (not even a route)
    expect((await putAlias('empty', { targets: [] })).status).toBe(400);
    expect((await putAlias('w', { targets: ['gpt-4o'], strategy: 'random' })).status).toBe(400);
  });

  it('GET /v1/models lists every provider and the aliases', async () => {
    const ids: string[] = [];
    for await (const m of client.models.list()) ids.push(m.id);
    expect(ids).toEqual(expect.arrayContaining(['gpt-4o', 'gpt-4o-mini', 'backup/gpt-4o', 'smart', 'resilient']));
    expect(ids).not.toContain('openai/gpt-4o');
  });
});

describe('circuit breaker', () => {
  it('a target that keeps failing is cooled down, then probed once the cooldown is over', async () => {
    await putAlias('flaky', { targets: ['backup/flaky-model'] });
    const fail = () => catchApiError(client.chat.completions.create(hello('flaky')));
    backup.script(Array.from({ length: 9 }, () => ({ status: 500 })));
    for (let i = 0; i < 3; i++) expect((await fail()).status).toBe(502);
    expect(backup.count()).toBe(9); // 3 requests × (1 + 2 retries)
    const cooled = await fail();
    expect(cooled.status).toBe(503);
    expect(cooled.message).toContain('cooling down');
    expect(cooled.headers?.get('retry-after')).toBe('30');
    expect(backup.count()).toBe(9);

    clock += 31_000;
    const probe = await call('flaky', 'probe');
    expect(probe.data.choices[0]!.message.content).toBe('Echo: probe');
    expect(backup.count()).toBe(10);
    await call('flaky');
    expect(backup.count()).toBe(11);
  });

  it('while the first target cools down, traffic goes to the fallback without touching it', async () => {
    await putAlias('cover', { targets: ['backup/broken', 'openai/gpt-4o-mini'] });
    backup.script(Array.from({ length: 9 }, () => ({ status: 503 })));
    for (let i = 0; i < 3; i++) await call('cover');
    expect(backup.count()).toBe(9);
    const r = await call('cover');
    expect(backup.count()).toBe(9);
    const trace = await traceOf(r);
    expect(trace.routing?.cooledDown).toEqual(['backup/broken']);
    expect(trace.attempts.map((a) => a.target)).toEqual(['openai/gpt-4o-mini']);
    clock += 31_000;
  });
});

describe('rate limits are not ill health', () => {
  it('a target that keeps answering 429 is not cooled down (pacing handles it)', async () => {
    await putAlias('limited', { targets: ['backup/limited-model'] });
    backup.script(Array.from({ length: 9 }, () => ({ status: 429, retryAfterMs: 1 })));
    for (let i = 0; i < 3; i++) expect((await catchApiError(client.chat.completions.create(hello('limited')))).status).toBe(429);
    expect(backup.count()).toBe(9);
    const r = await call('limited', 'through at last');
    expect(r.data.choices[0]!.message.content).toBe('Echo: through at last');
    expect(backup.count()).toBe(10);
  });
});

describe('load balancing', () => {
  it('weighted balancing splits traffic close to the weights', async () => {
    await putAlias('split', { targets: [{ model: 'openai/gpt-4o-mini', weight: 3 }, { model: 'backup/gpt-4o-mini', weight: 1 }], strategy: 'weighted' });
    const N = 200;
    for (let i = 0; i < N; i++) await client.chat.completions.create(hello('split'));
    const share = t.mock.count('/chat/completions') / N;
    expect(t.mock.count('/chat/completions') + backup.count('/chat/completions')).toBe(N);
    expect(share).toBeGreaterThan(0.68);
    expect(share).toBeLessThan(0.82);
  });

  it('least-busy sends the next request to the target with fewer in flight', async () => {
    await putAlias('idle', { targets: ['openai/mock-slow', 'backup/mock-slow'], strategy: 'least-busy' });
    const first = client.chat.completions.create(hello('idle'), { headers: { 'x-mock-delay-ms': '300' } });
    await new Promise((r) => setTimeout(r, 100));
    const second = client.chat.completions.create(hello('idle'), { headers: { 'x-mock-delay-ms': '0' } });
    await Promise.all([first, second]);
    expect(t.mock.count('/chat/completions')).toBe(1);
    expect(backup.count('/chat/completions')).toBe(1);
  });

  it('balances across several keys of one provider', async () => {
    await t.admin('/admin/v1/providers/backup', { method: 'PUT', body: { apiKeys: ['key-a-000000', 'key-b-000000'] } });
    for (let i = 0; i < 4; i++) await client.chat.completions.create(hello('backup/gpt-4o-mini'));
    const used = backup.calls.map((c) => c.headers.authorization);
    expect(used.filter((a) => a === 'Bearer key-a-000000')).toHaveLength(2);
    expect(used.filter((a) => a === 'Bearer key-b-000000')).toHaveLength(2);
    const listed = await t.admin<{ items: Array<{ id: string; keyCount: number }> }>('/admin/v1/providers');
    expect(listed.body.items.find((p) => p.id === 'backup')!.keyCount).toBe(2);
    expect(JSON.stringify(listed.body)).not.toContain('key-a-000000');
  });
});

describe('cost-aware routing', () => {
  const usage = { 'x-mock-usage': JSON.stringify({ prompt_tokens: 1000, completion_tokens: 100 }) };
  const reasoning = 'Analyze step by step why this algorithm is slow, compare the trade-offs, then debug it and explain why:\n' +
    '```ts\nfunction f(xs: number[]) { return xs.map((x) => xs.filter((y) => y < x).length); }\n```\n' + 'Consider the edge cases. '.repeat(150);

  it('a trivial prompt goes to the cheap tier, a long reasoning prompt to the strong one; the trace says why and what it saved', async () => {
    await t.client({ project: 'saver' }).chat.completions.create(hello('gpt-4o-mini'));
    const rule = await t.admin('/admin/v1/projects/saver/routing', {
      method: 'PUT', body: { complexity: { cheapModel: 'gpt-4o-mini', strongModel: 'gpt-4o', threshold: 0.4 } },
    });
    expect(rule.status).toBe(200);
    const saver = t.client({ project: 'saver', headers: usage });

    const cheap = await saver.chat.completions.create(hello('gpt-4o', 'hi')).withResponse();
    expect(t.mock.calls.at(-1)!.body.model).toBe('gpt-4o-mini');
    const strong = await saver.chat.completions.create(hello('gpt-4o', reasoning)).withResponse();
    expect(t.mock.calls.at(-1)!.body.model).toBe('gpt-4o');

    const c: TraceDetail = await traceOf(cheap);
    expect(c.routing?.complexity).toMatchObject({ tier: 'cheap', model: 'gpt-4o-mini', threshold: 0.4 });
    expect(c.routing!.complexity!.score).toBeLessThan(0.4);
    expect(c.modelRequested).toBe('gpt-4o');
    // gpt-4o: 1000 × $2.50 + 100 × $10 per 1M = $0.0035; gpt-4o-mini: 1000 × $0.15 + 100 × $0.60 = $0.00021
    expect(c.costUsd).toBeCloseTo(0.00021, 10);
    expect(c.routingSavedUsd).toBeCloseTo(0.00329, 10);

    const s = await traceOf(strong);
    expect(s.routing?.complexity).toMatchObject({ tier: 'strong', model: 'gpt-4o' });
    expect(s.routing!.complexity!.score).toBeGreaterThanOrEqual(0.4);
    expect(s.routing!.complexity!.signals).toEqual(expect.arrayContaining(['code']));
    expect(s.routingSavedUsd).toBeNull();

    const spend = await t.admin<{ items: Array<{ key: string; routingSavedUsd: number; costUsd: number }> }>('/admin/v1/spend?groupBy=project&project=saver');
    expect(spend.body.items[0]!.routingSavedUsd).toBeCloseTo(0.00329, 10);
  });

  it('projects without a rule are not re-routed', async () => {
    const r = await call('gpt-4o', 'hi');
    expect(t.mock.calls.at(-1)!.body.model).toBe('gpt-4o');
    expect((await traceOf(r)).routing?.complexity).toBeNull();
  });

  it('refuses rules with unknown models or a threshold outside 0..1', async () => {
    const put = (body: unknown) => t.admin('/admin/v1/projects/saver/routing', { method: 'PUT', body });
    expect((await put({ complexity: { cheapModel: 'nope/x', strongModel: 'gpt-4o' } })).status).toBe(400);
    expect((await put({ complexity: { cheapModel: 'gpt-4o-mini', strongModel: 'gpt-4o', threshold: 2 } })).status).toBe(400);
    expect((await t.admin('/admin/v1/projects/no-such-project/routing')).status).toBe(404);
  });
});
