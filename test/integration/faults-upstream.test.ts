/**
 * Upstream faults (the mock misbehaves on cue, by model name): each is answered the way an OpenAI SDK can read,
 * lands in its trace, and leaves nothing held: no request in flight, no busy upstream socket, no armed timer, and
 * no budget reservation (the fault models are priced and the project has a cap, so every request holds money).
 */
import type OpenAI from 'openai';
import { APIError } from 'openai';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Trace } from '../../shared/api/dto';
import { expectClean, isolatedClient, openReservations, writePricingWith } from '../support/faults';
import { eventually, useSharedGateway, type TestGateway } from '../support/start-gateway';
import { catchApiError } from '../support/wire';

const FAULT_MODELS = ['mock-reset', 'mock-stall', 'mock-stream-stall', 'mock-bad-sse', 'mock-bad-json', 'mock-error-429', 'mock-error-500'];
let t: TestGateway;
// Gateway retries, circuit breakers and upstream pacing are off here so each fault reaches the client exactly
// as the upstream sent it, at once, one upstream call per request (pacing would queue the storm behind the
// 429s' retry-after); test/integration/routing.test.ts and upstream-pacing.test.ts cover those.
useSharedGateway({
  upstreamHeadersTimeoutMs: 1000, upstreamBodyTimeoutMs: 1000, pricingFile: writePricingWith(FAULT_MODELS),
  routing: { retry: { maxRetries: 0 }, breaker: { failureThreshold: Number.POSITIVE_INFINITY }, pacing: false },
}, (gw) => { t = gw; });

beforeAll(async () => {
  const r = await t.admin('/admin/v1/projects', { method: 'POST', body: { slug: 'default', budget: { dailyUsd: 1000, mode: 'block' } } });
  expect(r.status).toBe(201);
});

let client: OpenAI;
let closeClient: () => Promise<void>;
let timersBefore = 0;
beforeEach(() => {
  ({ client, close: closeClient } = isolatedClient(t));
  timersBefore = t.gateway.diagnostics().timers.process;
});
afterEach(async () => {
  await closeClient();
  await expectClean(t, { proxySockets: 0, processTimers: timersBefore });
  expect(await openReservations(t)).toEqual({ count: 0, usd: 0 });
  expect(t.logs.filter((l) => l.level === 'error')).toEqual([]);
});

const ask = (model: string) => ({ model, messages: [{ role: 'user' as const, content: `fault ${model}` }] });
const askStream = (model: string) => ({ ...ask(model), stream: true as const });

async function tracesOf(model: string, n = 1): Promise<Trace[]> {
  return eventually(async () => {
    const r = await t.admin<{ items: Trace[] }>(`/admin/v1/traces?model=${model}&limit=1000`);
    return r.body.items.length >= n ? r.body.items : null;
  });
}

/** Reads a stream to its end; returns the text and what it failed with, if it did. */
async function drain(stream: AsyncIterable<OpenAI.ChatCompletionChunk>): Promise<{ text: string; err: unknown }> {
  let text = '';
  try {
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    return { text, err: null };
  } catch (err) {
    return { text, err };
  }
}

describe('upstream faults', () => {
  it('a reset mid-stream ends the client stream with an error; the trace says the provider broke off', async () => {
    const { text, err } = await drain(await client.chat.completions.create(askStream('mock-reset')));
    expect(err).toBeInstanceOf(Error);
    expect(text.length).toBeGreaterThan(0);
    const [trace] = await tracesOf('mock-reset');
    expect(trace!.error).toMatch(/^upstream_error: openai broke off its answer part-way/);
    expect(trace!.stream).toBe(true);
  });

  it('a stall before the first byte is 504 upstream_timeout, streaming or not; its reservation is held meanwhile, then freed', async () => {
    for (const stream of [false, true]) {
      await eventually(async () => t.mock.openResponses === 0); // the previous stall's upstream socket is gone
      const calls = t.mock.count('/chat/completions');
      const pending = catchApiError(stream ? client.chat.completions.create(askStream('mock-stall')) : client.chat.completions.create(ask('mock-stall')));
      await eventually(async () => t.mock.count('/chat/completions') === calls + 1 && t.mock.openResponses === 1);
      const held = await openReservations(t);
      expect(held.count).toBe(1);
      expect(held.usd).toBeGreaterThan(0);
      const err = await pending;
      expect(err.status).toBe(504);
      expect(err.code).toBe('upstream_timeout');
    }
    const traces = await tracesOf('mock-stall', 2);
    expect(traces.map((x) => [x.status, x.error?.split(':')[0]])).toEqual([[504, 'upstream_timeout'], [504, 'upstream_timeout']]);
  });

  it('a stall mid-stream ends the SSE stream with one OpenAI-shaped error event', async () => {
    const { text, err } = await drain(await client.chat.completions.create(askStream('mock-stream-stall')));
    expect(text.length).toBeGreaterThan(0);
    expect(err).toBeInstanceOf(APIError);
    expect((err as APIError).message).toContain('did not answer in time');
    const [trace] = await tracesOf('mock-stream-stall');
    expect(trace!.error).toMatch(/^upstream_timeout: /);
  });

  it('malformed SSE passes through as it came and is recorded; malformed JSON is 502', async () => {
    const { err } = await drain(await client.chat.completions.create(askStream('mock-bad-sse')));
    expect(err).toBeInstanceOf(Error); // the SDK cannot parse `data: {not json}` either
    const [sse] = await tracesOf('mock-bad-sse');
    expect(sse!.error).toMatch(/malformed SSE event/);

    const bad = await catchApiError(client.chat.completions.create(ask('mock-bad-json')));
    expect(bad.status).toBe(502);
    expect(bad.message).toContain('not valid JSON');
    const [json] = await tracesOf('mock-bad-json');
    expect(json).toMatchObject({ status: 502 });
    expect(json!.error).toMatch(/^upstream_error: /);
  });

  it('a 429/5xx storm: every request gets its status and an OpenAI error, and a trace', async () => {
    const N = 60;
    const results = await Promise.all(Array.from({ length: N }, (_, i) =>
      catchApiError(client.chat.completions.create(ask(i % 2 ? 'mock-error-429' : 'mock-error-500')))));
    expect(results.filter((e) => e.status === 429)).toHaveLength(N / 2);
    expect(results.filter((e) => e.status === 502)).toHaveLength(N / 2);
    for (const e of results) expect(e.error).toMatchObject({ message: expect.any(String), type: expect.any(String) });
    expect(t.mock.count('/chat/completions')).toBe(N);
    const t429 = await tracesOf('mock-error-429', N / 2);
    const t500 = await tracesOf('mock-error-500', N / 2);
    expect(t429.every((x) => x.status === 429 && x.error !== null)).toBe(true);
    expect(t500.every((x) => x.status === 502 && x.error !== null)).toBe(true);
    const ok = await client.chat.completions.create(ask('gpt-4o-mini'));
    expect(ok.choices[0]!.message.content).toBe('Echo: fault gpt-4o-mini');
  });
});
