import OpenAI from 'openai';
import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import { describe, expect, it } from 'vitest';
import type { Project, ProjectUsage, SpendRow } from '../../shared/api/dto';
import type { AdminEvent } from '../../shared/api/events';
import { useSharedGateway, type TestGateway } from '../support/start-gateway';
import { catchApiError, fetchTrace } from '../support/wire';

let t: TestGateway;
// fixed mid-day instant: no test here may straddle a midnight
const clock = Date.parse('2026-06-10T12:00:00Z');

useSharedGateway({ now: () => clock, timeZone: 'UTC' }, (gw) => { t = gw; });

const GPT4O_MINI = { input: 0.15, output: 0.6 };
const ask = (content: string, extra: Partial<ChatCompletionCreateParamsNonStreaming> = {}): ChatCompletionCreateParamsNonStreaming =>
  ({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], max_tokens: 100, ...extra });
/** the mock reports exactly this usage, so each answer costs what the test says */
const usageHeader = (prompt: number, completion: number) => ({ 'x-mock-usage': JSON.stringify({ prompt_tokens: prompt, completion_tokens: completion }) });
const costOf = (prompt: number, completion: number, price = GPT4O_MINI) => (prompt * price.input + completion * price.output) / 1e6;

async function setBudget(project: string, budget: Record<string, unknown>) {
  const r = await t.admin<Project>(`/admin/v1/projects/${project}`, { method: 'PATCH', body: { budget } });
  expect(r.status).toBe(200);
  return r.body;
}

async function usage(project: string) {
  const r = await t.admin<ProjectUsage>(`/admin/v1/projects/${project}/usage`);
  expect(r.status).toBe(200);
  return r.body;
}

async function createProject(slug: string, budget?: Record<string, unknown>) {
  const r = await t.admin('/admin/v1/projects', { method: 'POST', body: { slug, ...(budget ? { budget } : {}) } });
  expect(r.status).toBe(201);
}

function collectEvents(): { events: AdminEvent[]; stop: () => void } {
  const events: AdminEvent[] = [];
  const stop = t.gateway.events.subscribe((e) => events.push(e));
  return { events, stop };
}

describe('budget caps under concurrency', () => {
  it('200 simultaneous requests against a cap for ~50: settled spend stays under it, the rest get budget_exceeded once', async () => {
    await createProject('race');
    // every answer costs almost its worst case (max_tokens used up), so the cap affords about 50 of them
    const perCall = costOf(1, 100);
    const cap = perCall * 51;
    await setBudget('race', { dailyUsd: cap, mode: 'block' });
    // maxRetries 2: the SDK would retry a plain 429 twice; x-should-retry: false must stop it
    const client = new OpenAI({ baseURL: t.addresses.proxyUrl.replace('/v1', '/p/race/v1'), apiKey: 'tollgate', maxRetries: 2 });
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) =>
      client.chat.completions.create(ask(`race ${i}`), { headers: { ...usageHeader(1, 100), 'x-mock-delay-ms': '30' } })
        .then(() => 'ok' as const, (e: unknown) => e)));

    const ok = results.filter((r) => r === 'ok').length;
    const refused = results.filter((r) => r !== 'ok');
    expect(ok).toBeGreaterThanOrEqual(45);
    expect(ok).toBeLessThanOrEqual(51);
    expect(ok + refused.length).toBe(200);
    for (const e of refused) {
      expect(e).toBeInstanceOf(OpenAI.APIError);
      const err = e as InstanceType<typeof OpenAI.APIError>;
      expect(err.status).toBe(429);
      expect(err.code).toBe('budget_exceeded');
      expect(err.type).toBe('insufficient_quota');
      expect(err.headers?.get('x-should-retry')).toBe('false');
    }
    // only admitted requests reached the provider, and the SDK retried none of the refusals
    expect(t.mock.count('/chat/completions')).toBe(ok);
    const spend = await t.admin<{ items: SpendRow[] }>('/admin/v1/spend?groupBy=project&project=race');
    expect(spend.body.items[0]!.requests).toBe(200);
    expect(spend.body.items[0]!.costUsd).toBeLessThanOrEqual(cap);

    const u = await usage('race');
    expect(u.daily.spentUsd).toBeLessThanOrEqual(cap);
    expect(u.daily.spentUsd).toBeCloseTo(ok * perCall, 12);
    expect(u.openReservations).toBe(0);
    expect(u.reservedUsd).toBe(0);
  });
});

describe('block mode', () => {
  it('refuses with a message naming the project, the cap and the reset time, and never calls upstream', async () => {
    await createProject('blocked', { dailyUsd: 0.0001, mode: 'block' });
    const client = t.client({ project: 'blocked' });
    // the first one fits; its real cost uses up most of the cap
    await client.chat.completions.create(ask('first'), { headers: usageHeader(1, 150) });
    const err = await catchApiError(client.chat.completions.create(ask('second'), { headers: usageHeader(1, 150) }));
    expect(err.status).toBe(429);
    expect(err.code).toBe('budget_exceeded');
    expect(err.message).toContain('Project "blocked"');
    expect(err.message).toContain('daily budget of $0.0001');
    expect(err.message).toContain('2026-06-11 00:00 UTC');
    expect(err.headers?.get('x-should-retry')).toBe('false');
    expect(err.headers?.get('x-tollgate-budget-resets-at')).toBe('2026-06-11T00:00:00.000Z');
    expect(t.mock.count('/chat/completions')).toBe(1);
    const trace = await fetchTrace(t, err.headers?.get('x-tollgate-trace-id') ?? null);
    expect(trace.status).toBe(429);
    expect(trace.error).toContain('budget_exceeded');
  });

  it('takes a cap change on the very next request', async () => {
    await createProject('edit-me', { dailyUsd: 0, mode: 'block' });
    const client = t.client({ project: 'edit-me' });
    expect((await catchApiError(client.chat.completions.create(ask('capped')))).code).toBe('budget_exceeded');
    await setBudget('edit-me', { dailyUsd: 1 });
    await expect(client.chat.completions.create(ask('capped'))).resolves.toMatchObject({ object: 'chat.completion' });
    await setBudget('edit-me', { dailyUsd: null });
    await expect(client.chat.completions.create(ask('uncapped'))).resolves.toMatchObject({ object: 'chat.completion' });
  });

  it('never blocks cache hits or unpriced models', async () => {
    await createProject('free-lunch');
    const client = t.client({ project: 'free-lunch' });
    await client.chat.completions.create(ask('cached', { temperature: 0 }));
    await setBudget('free-lunch', { dailyUsd: 0 });
    const { response } = await client.chat.completions.create(ask('cached', { temperature: 0 })).withResponse();
    expect(response.headers.get('x-tollgate-cache')).toBe('hit');
    // a model with no price (e.g. a local one) cannot spend money, so a money cap does not apply
    await expect(client.chat.completions.create(ask('local', { model: 'llama3.2-local' }))).resolves.toMatchObject({ object: 'chat.completion' });
    expect(t.mock.count('/chat/completions')).toBe(2);
  });

  it('refuses an end-user over their own cap while other users go on', async () => {
    await createProject('per-user', { perUser: { dailyUsd: 0.0001 } });
    const alice = t.client({ project: 'per-user', headers: { 'x-tollgate-user': 'alice' } });
    const bob = t.client({ project: 'per-user', headers: { 'x-tollgate-user': 'bob' } });
    await alice.chat.completions.create(ask('a1'), { headers: usageHeader(1, 150) });
    const err = await catchApiError(alice.chat.completions.create(ask('a2')));
    expect(err.code).toBe('budget_exceeded');
    expect(err.message).toContain('End-user "alice" of project "per-user"');
    await expect(bob.chat.completions.create(ask('b1'))).resolves.toMatchObject({ object: 'chat.completion' });
    const u = await usage('per-user');
    expect(u.users.map((x) => x.key).sort()).toEqual(['alice', 'bob']);
    expect(u.users.find((x) => x.key === 'alice')!.daily.spentUsd).toBeCloseTo(costOf(1, 150), 12);
  });
});

describe('every priced endpoint', () => {
  it('holds embeddings and Responses API calls against the cap as well, and feature caps apart', async () => {
    await createProject('endpoints', { dailyUsd: 0 });
    const client = t.client({ project: 'endpoints' });
    expect((await catchApiError(client.embeddings.create({ model: 'text-embedding-3-small', input: 'embed me' }))).code).toBe('budget_exceeded');
    expect((await catchApiError(client.responses.create({ model: 'gpt-4o-mini', input: 'respond', max_output_tokens: 50 }))).code).toBe('budget_exceeded');
    await setBudget('endpoints', { dailyUsd: 1, perFeature: { dailyUsd: 0.00001 } });
    await expect(client.embeddings.create({ model: 'text-embedding-3-small', input: 'embed me' })).resolves.toMatchObject({ object: 'list' });
    await expect(client.responses.create({ model: 'gpt-4o-mini', input: 'respond', max_output_tokens: 50 })).resolves.toMatchObject({ object: 'response' });
    const search = t.client({ project: 'endpoints', headers: { 'x-tollgate-feature': 'search' } });
    const err = await catchApiError(search.chat.completions.create(ask('feature')));
    expect(err.message).toContain('Feature "search" of project "endpoints"');
    expect(t.mock.count()).toBe(2);
  });
});

describe('alerts', () => {
  it('alert mode lets requests through and sends 50/80/100 % once each', async () => {
    const perCall = costOf(1, 100);
    await createProject('alerting', { dailyUsd: perCall * 2.5, mode: 'alert' });
    const { events, stop } = collectEvents();
    const client = t.client({ project: 'alerting' });
    for (let i = 0; i < 4; i++) await client.chat.completions.create(ask(`alert ${i}`), { headers: usageHeader(1, 100) });
    stop();
    expect(t.mock.count('/chat/completions')).toBe(4);
    const alerts = events.filter((e) => e.type === 'budget-alert' && e.project === 'alerting');
    expect(alerts.map((a) => a.type === 'budget-alert' && [a.period, a.threshold])).toEqual([['daily', 50], ['daily', 80], ['daily', 100]]);
    const last = alerts[2]!;
    expect(last.type === 'budget-alert' && last.resetAt).toBe(Date.parse('2026-06-11T00:00:00Z'));
  });

  it('alerts per end-user and per feature cap too, naming whose cap it is', async () => {
    const perCall = costOf(1, 100);
    await createProject('scoped', { mode: 'alert', perUser: { dailyUsd: perCall * 1.5 }, perFeature: { monthlyUsd: perCall * 3 } });
    const { events, stop } = collectEvents();
    const alice = t.client({ project: 'scoped', headers: { 'x-tollgate-user': 'alice', 'x-tollgate-feature': 'search' } });
    const bob = t.client({ project: 'scoped', headers: { 'x-tollgate-user': 'bob' } });
    await alice.chat.completions.create(ask('s1'), { headers: usageHeader(1, 100) }); // alice 67 %, search 33 %
    await alice.chat.completions.create(ask('s2'), { headers: usageHeader(1, 100) }); // alice 133 %, search 67 %
    await bob.chat.completions.create(ask('s3'), { headers: usageHeader(1, 100) }); // bob 67 %
    stop();
    const alerts = events.flatMap((e) => (e.type === 'budget-alert' && e.project === 'scoped' ? [[e.scope, e.scopeKey, e.period, e.threshold]] : []));
    expect(alerts).toEqual([
      ['user', 'alice', 'daily', 50], ['user', 'alice', 'daily', 80], ['user', 'alice', 'daily', 100],
      ['feature', 'search', 'monthly', 50], ['user', 'bob', 'daily', 50],
    ]);
  });

  it('a raised cap re-arms the thresholds the spend is now below', async () => {
    const perCall = costOf(1, 100);
    await createProject('raised', { dailyUsd: perCall * 1.1 });
    const client = t.client({ project: 'raised' });
    const { events, stop } = collectEvents();
    await client.chat.completions.create(ask('r1'), { headers: usageHeader(1, 100) }); // 91 %: 50 and 80
    await setBudget('raised', { dailyUsd: perCall * 4 }); // now 25 %
    await client.chat.completions.create(ask('r2'), { headers: usageHeader(1, 100) }); // 50 % of the new cap
    stop();
    const thresholds = events.filter((e) => e.type === 'budget-alert' && e.project === 'raised').map((e) => e.type === 'budget-alert' && e.threshold);
    expect(thresholds).toEqual([50, 80, 50]);
  });
});

describe('admin API', () => {
  it('rejects bad budget and limit settings with clear 400s', async () => {
    await createProject('strict');
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ budget: { dailyUsd: -1 } }, 'budget.dailyUsd'],
      [{ budget: { daily: 5 } }, 'budget.daily'],
      [{ budget: { timeZone: 'Mars/Base' } }, 'budget.timeZone'],
      [{ budget: { perUser: { dailyUsd: 'ten' } } }, 'budget.perUser.dailyUsd'],
      [{ budget: { velocityUsdPerMin: 0 } }, 'budget.velocityUsdPerMin'],
      [{ limits: { concurrency: 1.5 } }, 'limits.concurrency'],
      [{ limits: { queue: { maxQueued: 3 } } }, 'limits.queue.maxWaitMs'],
    ];
    for (const [body, param] of bad) {
      const r = await t.admin<{ error: { param: string; message: string } }>('/admin/v1/projects/strict', { method: 'PATCH', body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.param).toBe(param);
    }
    const ok = await t.admin<Project>('/admin/v1/projects/strict', {
      method: 'PATCH',
      body: { budget: { dailyUsd: 5, monthlyUsd: 50, mode: 'downgrade', downgradeModel: 'gpt-4o-mini', timeZone: 'Europe/Berlin', velocityUsdPerMin: 1 } },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.budget).toMatchObject({ dailyUsd: 5, monthlyUsd: 50, mode: 'downgrade', downgradeModel: 'gpt-4o-mini', timeZone: 'Europe/Berlin' });
    const u = await usage('strict');
    expect(u).toMatchObject({
      project: 'strict', timeZone: 'Europe/Berlin', mode: 'downgrade', openReservations: 0, reservedUsd: 0,
      daily: { period: '2026-06-10', spentUsd: 0, capUsd: 5, remainingUsd: 5, resetsAt: Date.parse('2026-06-10T22:00:00Z') },
      monthly: { period: '2026-06', capUsd: 50, resetsAt: Date.parse('2026-06-30T22:00:00Z') },
    });
    expect((await t.admin('/admin/v1/projects/nope/usage')).status).toBe(404);
  });
});
