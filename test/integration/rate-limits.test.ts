import OpenAI from 'openai';
import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import { describe, expect, it } from 'vitest';
import type { Trace } from '../../shared/api/dto';
import { eventually, useSharedGateway, type TestGateway } from '../support/start-gateway';
import { catchApiError } from '../support/wire';

let t: TestGateway;
useSharedGateway({}, (gw) => { t = gw; });

const ask = (content: string, extra: Partial<ChatCompletionCreateParamsNonStreaming> = {}): ChatCompletionCreateParamsNonStreaming =>
  ({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], ...extra });

async function createProject(slug: string, limits: Record<string, unknown>) {
  const r = await t.admin('/admin/v1/projects', { method: 'POST', body: { slug, limits } });
  expect(r.status).toBe(201);
}

const settle = <T>(p: Promise<T>) => p.then((v) => ({ ok: true as const, v }), (e: unknown) => ({ ok: false as const, e }));

async function tracesOf(project: string, n: number): Promise<Trace[]> {
  return eventually(async () => {
    const r = await t.admin<{ items: Trace[] }>(`/admin/v1/traces?project=${project}&limit=50`);
    return r.body.items.length >= n ? r.body.items.reverse() : null;
  });
}

describe('rate limits', () => {
  it('a burst above the bucket gets 429s with retry-after and OpenAI-named rate-limit headers', async () => {
    await createProject('bursty', { rpm: 60, rpmBurst: 3 });
    const client = t.client({ project: 'bursty' });
    const results = await Promise.all(Array.from({ length: 5 }, (_, i) =>
      settle(client.chat.completions.create(ask(`burst ${i}`)).withResponse())));
    const ok = results.filter((r) => r.ok);
    const refused = results.filter((r) => !r.ok);
    expect(ok).toHaveLength(3);
    expect(refused).toHaveLength(2);
    expect(t.mock.count('/chat/completions')).toBe(3);

    const remaining = ok.map((r) => r.ok && r.v.response.headers.get('x-ratelimit-remaining-requests')).sort();
    expect(remaining).toEqual(['0', '1', '2']);
    for (const r of ok) expect(r.ok && r.v.response.headers.get('x-ratelimit-limit-requests')).toBe('60');

    for (const r of refused) {
      const err = (r as { e: unknown }).e as InstanceType<typeof OpenAI.APIError>;
      expect(err).toBeInstanceOf(OpenAI.RateLimitError);
      expect(err.code).toBe('rate_limit_exceeded');
      expect(err.message).toContain('Project "bursty" is over its rate limit of 60 requests per minute');
      const h = err.headers!;
      expect(h.get('x-ratelimit-limit-requests')).toBe('60');
      expect(h.get('x-ratelimit-remaining-requests')).toBe('0');
      expect(h.get('x-ratelimit-reset-requests')).toMatch(/^\d+(\.\d+)?(ms|s)$/);
      // one token a second comes back: the wait is at most that
      const waitMs = Number(h.get('retry-after-ms'));
      expect(waitMs).toBeGreaterThan(0);
      expect(waitMs).toBeLessThanOrEqual(1000);
      expect(h.get('retry-after')).toBe('1');
      expect(h.get('x-should-retry')).toBeNull();
    }
  });

  it("the SDK's own retry succeeds after the advertised delay, with no second refusal", async () => {
    await createProject('patient', { rpm: 120, rpmBurst: 1 });
    await t.client({ project: 'patient' }).chat.completions.create(ask('first'));
    const retrying = t.client({ project: 'patient', maxRetries: 2 });
    await expect(retrying.chat.completions.create(ask('second'))).resolves.toMatchObject({ object: 'chat.completion' });
    // had the SDK come back before the bucket refilled, a second 429 would be here
    const statuses = (await tracesOf('patient', 3)).map((tr) => tr.status);
    expect(statuses).toEqual([200, 429, 200]);
    expect(t.mock.count('/chat/completions')).toBe(2);
  });

  it('per-user limits are independent of each other', async () => {
    await createProject('users', { perUser: { rpm: 2 } });
    const alice = t.client({ project: 'users', headers: { 'x-tollgate-user': 'alice' } });
    const bob = t.client({ project: 'users', headers: { 'x-tollgate-user': 'bob' } });
    await alice.chat.completions.create(ask('a1'));
    await alice.chat.completions.create(ask('a2'));
    const err = await catchApiError(alice.chat.completions.create(ask('a3')));
    expect(err.status).toBe(429);
    expect(err.message).toContain('End-user "alice" of project "users"');
    expect(Number(err.headers?.get('retry-after'))).toBeGreaterThan(25);
    await bob.chat.completions.create(ask('b1'));
    await bob.chat.completions.create(ask('b2'));
    // the `user` field counts as the end-user too
    await t.client({ project: 'users' }).chat.completions.create(ask('c1', { user: 'carol' }));
    expect(t.mock.count('/chat/completions')).toBe(5);
  });

  it('counts tokens per minute, and says so when a request can never fit', async () => {
    await createProject('tokens', { tpm: 1000 });
    const client = t.client({ project: 'tokens', maxRetries: 2 });
    const { response } = await client.chat.completions.create(ask('short', { max_tokens: 100 })).withResponse();
    expect(response.headers.get('x-ratelimit-limit-tokens')).toBe('1000');
    expect(Number(response.headers.get('x-ratelimit-remaining-tokens'))).toBeLessThan(900);
    // a stream carries them too (its headers leave before the answer does)
    const streamed = await client.chat.completions.create({ ...ask('streamed', { max_tokens: 100 }), stream: true }).withResponse();
    for await (const chunk of streamed.data) void chunk;
    expect(streamed.response.headers.get('x-ratelimit-limit-tokens')).toBe('1000');
    const err = await catchApiError(client.chat.completions.create(ask('long', { max_tokens: 5000 })));
    expect(err.status).toBe(429);
    expect(err.headers?.get('x-should-retry')).toBe('false');
    expect(err.message).toContain('more than Project "tokens" may use at once');
    // refused by its budget before reaching the provider, a request gives its tokens back
    await t.admin('/admin/v1/projects/tokens', { method: 'PATCH', body: { budget: { dailyUsd: 0 } } });
    for (let i = 0; i < 5; i++) expect((await catchApiError(client.chat.completions.create(ask(`no money ${i}`, { max_tokens: 300 })))).code).toBe('budget_exceeded');
    await t.admin('/admin/v1/projects/tokens', { method: 'PATCH', body: { budget: { dailyUsd: null } } });
    expect(t.mock.count('/chat/completions')).toBe(2);
  });

  it('caps concurrency: refuses beyond it, or queues when the project has a queue', async () => {
    await createProject('narrow', { concurrency: 1 });
    const client = t.client({ project: 'narrow' });
    const slow = { headers: { 'x-mock-delay-ms': '300' } };
    const [a, b] = await Promise.all([settle(client.chat.completions.create(ask('n1'), slow)), settle(client.chat.completions.create(ask('n2'), slow))]);
    expect([a.ok, b.ok].sort()).toEqual([false, true]);
    const refused = (a.ok ? b : a) as { e: InstanceType<typeof OpenAI.APIError> };
    expect(refused.e.message).toContain('concurrency limit');

    await createProject('queued', { concurrency: 1, queue: { maxWaitMs: 10_000 } });
    const queued = t.client({ project: 'queued' });
    t.mock.reset();
    let peak = 0;
    const sampler = setInterval(() => { peak = Math.max(peak, t.mock.openResponses); }, 5);
    const all = await Promise.all([1, 2, 3].map((i) => settle(queued.chat.completions.create(ask(`q${i}`), slow))));
    clearInterval(sampler);
    expect(all.every((r) => r.ok)).toBe(true);
    expect(t.mock.count('/chat/completions')).toBe(3);
    expect(peak).toBe(1); // waited their turn instead of being refused or piling up upstream
    const usage = await t.admin<{ limits: { inFlight: number; queued: number } }>('/admin/v1/projects/queued/usage');
    expect(usage.body.limits).toEqual({ inFlight: 0, queued: 0 });
  });

  it('a queued request gives up with a 429 at the wait bound, and a client leaving the queue frees its place', async () => {
    await createProject('short-wait', { concurrency: 1, queue: { maxWaitMs: 150, maxQueued: 1 } });
    const client = t.client({ project: 'short-wait' });
    const holder = client.chat.completions.create(ask('hold'), { headers: { 'x-mock-delay-ms': '1500' } });
    await eventually(async () => t.mock.openResponses === 1);
    const waited = await catchApiError(client.chat.completions.create(ask('waits')));
    expect(waited.status).toBe(429);
    expect(waited.message).toContain('concurrency limit');

    const controller = new AbortController();
    const leaving = settle(client.chat.completions.create(ask('leaves'), { signal: controller.signal }));
    await eventually(async () => (await t.admin<{ limits: { queued: number } }>('/admin/v1/projects/short-wait/usage')).body.limits.queued === 1);
    // the queue (maxQueued 1) is full: the next one is refused at once
    expect((await catchApiError(client.chat.completions.create(ask('full')))).message).toContain('wait queue is full');
    controller.abort();
    expect((await leaving).ok).toBe(false);
    await eventually(async () => (await t.admin<{ limits: { queued: number } }>('/admin/v1/projects/short-wait/usage')).body.limits.queued === 0);
    await holder;
    expect(t.mock.count('/chat/completions')).toBe(1);
  });
});
