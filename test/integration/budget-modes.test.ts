import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ProjectUsage } from '../../shared/api/dto';
import type { AdminEvent } from '../../shared/api/events';
import { eventually, startTestGateway, type TestGateway } from '../support/start-gateway';
import { catchApiError, fetchTrace } from '../support/wire';

// the mock's failure and slow models get prices here, so budgets hold money for them like for real models
const MOCK_PRICE = { input: 2, output: 8 };
const pricingDir = mkdtempSync(join(tmpdir(), 'tollgate-pricing-'));

function writePricing(): string {
  const bundled = JSON.parse(readFileSync(fileURLToPath(new URL('../../resources/pricing.json', import.meta.url)), 'utf8'));
  for (const model of ['mock-error-500', 'mock-slow-stream']) {
    bundled.models[model] = { provider: 'openai', ...MOCK_PRICE, cachedInput: null, source: 'https://example.com/test-pricing', checked: '2025-01-01' };
  }
  const file = join(pricingDir, 'pricing.json');
  writeFileSync(file, JSON.stringify(bundled));
  return file;
}

let t: TestGateway;
let clock = Date.parse('2026-06-10T12:00:00Z');
beforeAll(async () => { t = await startTestGateway({ now: () => clock, timeZone: 'UTC', pricingFile: writePricing() }); });
afterAll(async () => {
  await t.close();
  rmSync(pricingDir, { recursive: true, force: true });
});
beforeEach(() => t.mock.reset());

const MINI = { input: 0.15, output: 0.6 };
const ask = (content: string, extra: Partial<ChatCompletionCreateParamsNonStreaming> = {}): ChatCompletionCreateParamsNonStreaming =>
  ({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], max_tokens: 100, ...extra });
const usageHeader = (prompt: number, completion: number) => ({ 'x-mock-usage': JSON.stringify({ prompt_tokens: prompt, completion_tokens: completion }) });
const costOf = (prompt: number, completion: number, price = MINI) => (prompt * price.input + completion * price.output) / 1e6;

async function createProject(slug: string, budget: Record<string, unknown>) {
  const r = await t.admin('/admin/v1/projects', { method: 'POST', body: { slug, budget } });
  expect(r.status).toBe(201);
}
const usage = async (slug: string) => (await t.admin<ProjectUsage>(`/admin/v1/projects/${slug}/usage`)).body;

describe('downgrade mode', () => {
  it('routes to the cheaper model once the dear one does not fit, and the header and trace say so', async () => {
    // one gpt-4o call with max_tokens 100 could cost ~$0.001: more than the cap; gpt-4o-mini fits easily
    await createProject('thrifty', { dailyUsd: 0.0005, mode: 'downgrade', downgradeModel: 'gpt-4o-mini' });
    const client = t.client({ project: 'thrifty' });
    const { data, response } = await client.chat.completions.create(ask('dear', { model: 'gpt-4o' })).withResponse();
    expect(response.headers.get('x-tollgate-downgraded-from')).toBe('gpt-4o');
    expect(t.mock.calls[0]!.body.model).toBe('gpt-4o-mini');
    expect(data.model).toBe('gpt-4o-mini');
    // the cheaper answer is not cached as the answer to the gpt-4o request
    expect(response.headers.get('x-tollgate-cache')).toBe('bypass');
    const trace = await fetchTrace(t, response.headers.get('x-tollgate-trace-id'));
    expect(trace).toMatchObject({ downgradedFrom: 'gpt-4o', modelRequested: 'gpt-4o', modelUsed: 'gpt-4o-mini' });
    expect(trace.request).toMatchObject({ model: 'gpt-4o' });

    // a request for the cheap model itself is not marked
    const plain = await client.chat.completions.create(ask('cheap')).withResponse();
    expect(plain.response.headers.get('x-tollgate-downgraded-from')).toBeNull();
  });

  it('streams the downgraded answer too, and refuses when even the cheaper model does not fit', async () => {
    await createProject('stingy', { dailyUsd: 0.00007, mode: 'downgrade', downgradeModel: 'gpt-4o-mini' });
    const client = t.client({ project: 'stingy' });
    const { data: stream, response } = await client.chat.completions.create({ ...ask('stream me', { model: 'gpt-4o' }), stream: true }).withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Echo: stream me');
    expect(response.headers.get('x-tollgate-downgraded-from')).toBe('gpt-4o');
    expect(t.mock.calls[0]!.body.model).toBe('gpt-4o-mini');

    const err = await catchApiError(client.chat.completions.create(ask('too much', { model: 'gpt-4o', max_tokens: 1000 })));
    expect(err.code).toBe('budget_exceeded');
    expect(err.message).toContain('Even the downgrade model gpt-4o-mini does not fit');
    expect(t.mock.count('/chat/completions')).toBe(1);
  });
});

describe('reservations', () => {
  it('are released when the upstream fails, so the failure costs nothing and holds nothing', async () => {
    // room for exactly one worst case of the mock model
    await createProject('flaky', { dailyUsd: 0.0012 });
    const client = t.client({ project: 'flaky' });
    for (let i = 0; i < 3; i++) {
      const err = await catchApiError(client.chat.completions.create(ask(`fail ${i}`, { model: 'mock-error-500' })));
      expect(err.status).toBe(502);
    }
    const u = await usage('flaky');
    expect(u).toMatchObject({ openReservations: 0, reservedUsd: 0, daily: { spentUsd: 0, reservedUsd: 0 } });
    // had a failed hold leaked, this one would not fit
    await expect(client.chat.completions.create(ask('works'))).resolves.toMatchObject({ object: 'chat.completion' });
  });

  it('settle a stream to its real usage, and an aborted stream to what it used', async () => {
    await createProject('streams', { dailyUsd: 1 });
    const client = t.client({ project: 'streams' });
    const stream = await client.chat.completions.create({ ...ask('stream'), stream: true }, { headers: usageHeader(7, 11) });
    for await (const chunk of stream) void chunk;
    expect((await usage('streams')).daily.spentUsd).toBeCloseTo(costOf(7, 11), 12);

    const controller = new AbortController();
    const slow = await client.chat.completions.create({ model: 'mock-slow-stream', messages: [{ role: 'user', content: 'tick' }], max_tokens: 2000, stream: true },
      { signal: controller.signal });
    let chunks = 0;
    for await (const chunk of slow) {
      if (chunk.choices[0]?.delta.content && ++chunks === 3) { controller.abort(); break; }
    }
    const after = await eventually(async () => {
      const u = await usage('streams');
      return u.openReservations === 0 && u.daily.spentUsd > costOf(7, 11) ? u : null;
    });
    expect(after.reservedUsd).toBe(0);
  });
});

describe('spend-velocity breaker', () => {
  it('trips when spend per minute passes the ceiling, blocks for the cool-down with an alert, then lets requests through again', async () => {
    const perCall = costOf(1, 100);
    await createProject('runaway', { velocityUsdPerMin: perCall * 2.5, velocityCooldownSec: 120 });
    const events: AdminEvent[] = [];
    const stop = t.gateway.events.subscribe((e) => events.push(e));
    const client = t.client({ project: 'runaway', maxRetries: 2 });
    for (let i = 0; i < 3; i++) await client.chat.completions.create(ask(`loop ${i}`), { headers: usageHeader(1, 100) });
    const err = await catchApiError(client.chat.completions.create(ask('loop 3')));
    stop();
    expect(err.status).toBe(429);
    expect(err.code).toBe('velocity_exceeded');
    expect(err.message).toContain('Project "runaway" spent more than its velocity limit');
    expect(err.headers?.get('x-should-retry')).toBe('false');
    expect(err.headers?.get('retry-after')).toBe('120');
    expect(t.mock.count('/chat/completions')).toBe(3);
    const alert = events.find((e) => e.type === 'budget-alert' && e.project === 'runaway');
    expect(alert).toMatchObject({ period: 'velocity', threshold: 100, capUsd: perCall * 2.5, resetAt: clock + 120_000 });
    expect((await usage('runaway')).velocity.trippedUntil).toBe(clock + 120_000);

    clock += 60_000;
    expect((await catchApiError(client.chat.completions.create(ask('still cooling')))).code).toBe('velocity_exceeded');
    clock += 61_000;
    await expect(client.chat.completions.create(ask('cooled down'))).resolves.toMatchObject({ object: 'chat.completion' });
  });
});
