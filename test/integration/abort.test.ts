import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI, { APIUserAbortError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TraceDetail } from '../../shared/api/dto';
import { eventually, startTestGateway, type TestGateway } from '../support/start-gateway';
import { fetchLatestTrace, fetchTrace } from '../support/wire';

// mock-* model names are not in resources/pricing.json; a copy that prices mock-slow-stream lets the
// abort test check the estimated cost, while the bundled table shows the unpriced case.
const SLOW_PRICE = { input: 2, output: 8 };

function writePricingWithSlowModel(dir: string): string {
  const bundled = JSON.parse(readFileSync(fileURLToPath(new URL('../../resources/pricing.json', import.meta.url)), 'utf8'));
  bundled.models['mock-slow-stream'] = {
    provider: 'openai', input: SLOW_PRICE.input, cachedInput: null, output: SLOW_PRICE.output,
    source: 'https://example.com/test-pricing', checked: '2025-01-01',
  };
  const file = join(dir, 'pricing-test.json');
  writeFileSync(file, JSON.stringify(bundled));
  return file;
}

let priced: TestGateway;
let unpriced: TestGateway;
const pricingDir = mkdtempSync(join(tmpdir(), 'tollgate-pricing-'));

beforeAll(async () => {
  unpriced = await startTestGateway();
  priced = await startTestGateway({ pricingFile: writePricingWithSlowModel(pricingDir) });
});
afterAll(async () => {
  await priced.close();
  await unpriced.close();
  rmSync(pricingDir, { recursive: true, force: true });
});

const prompt = 'count the ticks for me please';

/** Reads a few chunks of the slow stream, checking each arrives while upstream is still sending, then aborts. */
async function readThenAbort(t: TestGateway, client: OpenAI): Promise<string> {
  const controller = new AbortController();
  const stream = await client.chat.completions.create(
    { model: 'mock-slow-stream', messages: [{ role: 'user', content: prompt }], stream: true },
    { signal: controller.signal },
  );
  let received = '';
  let contentChunks = 0;
  for await (const chunk of stream) {
    received += chunk.choices[0]?.delta.content ?? '';
    if (chunk.choices[0]?.delta.content) contentChunks++;
    // no buffering: every chunk reaches us while the upstream response is still open
    expect(t.mock.openResponses).toBe(1);
    if (contentChunks === 3) {
      controller.abort();
      break;
    }
  }
  return received;
}

async function abortedTrace(t: TestGateway): Promise<TraceDetail> {
  await eventually(async () => t.mock.aborted === 1 && t.mock.openResponses === 0);
  const listed = await fetchLatestTrace(t, (tr) => tr.modelRequested === 'mock-slow-stream' && tr.status === 499);
  return fetchTrace(t, listed.id);
}

describe('client abort mid-stream', () => {
  it('aborts the upstream call and records estimated usage and cost (priced model)', async () => {
    const received = await readThenAbort(priced, priced.client());
    expect(received).toBe('tick tick tick ');

    const trace = await abortedTrace(priced);
    expect(priced.mock.count('/chat/completions')).toBe(1);
    expect(trace).toMatchObject({ status: 499, stream: true, usageEstimated: true, error: 'client closed the request' });
    expect(trace.promptTokens).toBe(Math.ceil(prompt.length / 4));
    // the gateway may have read a tick or two more than the client did before the abort reached it
    expect(trace.streamedText!.startsWith(received)).toBe(true);
    expect(trace.completionTokens).toBe(Math.ceil(trace.streamedText!.length / 4));
    expect(trace.completionTokens).toBeGreaterThan(0);
    const expected = (trace.promptTokens! * SLOW_PRICE.input + trace.completionTokens! * SLOW_PRICE.output) / 1e6;
    expect(trace.costUsd).toBeGreaterThan(0);
    expect(trace.costUsd).toBeCloseTo(expected, 12);
    expect(trace.cache).toBe('bypass');

    const spend = await priced.admin<{ items: Array<{ key: string; costUsd: number; requests: number }> }>('/admin/v1/spend?groupBy=project');
    expect(spend.body.items).toEqual([expect.objectContaining({ key: 'default', requests: 1 })]);
    expect(spend.body.items[0]!.costUsd).toBeCloseTo(trace.costUsd!, 12);
    expect(priced.logs.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('records estimated tokens and a null cost for an unpriced mock-* model', async () => {
    const received = await readThenAbort(unpriced, unpriced.client());
    expect(received).toBe('tick tick tick ');

    const trace = await abortedTrace(unpriced);
    expect(trace).toMatchObject({ status: 499, usageEstimated: true, costUsd: null });
    expect(trace.promptTokens).toBeGreaterThan(0);
    expect(trace.completionTokens).toBeGreaterThan(0);
    expect(unpriced.logs.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('aborts a plain (non-streamed) call that is still waiting for the upstream', async () => {
    unpriced.mock.reset();
    const controller = new AbortController();
    const pending = unpriced.client().chat.completions.create(
      { model: 'mock-slow', messages: [{ role: 'user', content: 'slow please' }] },
      { signal: controller.signal, headers: { 'x-mock-delay-ms': '60000' } },
    ).then(() => 'answered', (e: unknown) => e);
    await eventually(async () => unpriced.mock.openResponses === 1);
    controller.abort();
    expect(await pending).toBeInstanceOf(APIUserAbortError);

    await eventually(async () => unpriced.mock.aborted === 1 && unpriced.mock.openResponses === 0);
    const trace = await fetchLatestTrace(unpriced, (tr) => tr.modelRequested === 'mock-slow');
    expect(trace.status).toBe(499);
    expect(trace.error).toBe('client closed the request');
  });

  it('counts the prompt of an abandoned plain call that reached the provider, so a budget never undercounts', async () => {
    priced.mock.reset();
    const before = (await priced.admin<{ items: Array<{ costUsd: number }> }>('/admin/v1/spend?groupBy=project')).body.items[0]?.costUsd ?? 0;
    const controller = new AbortController();
    const content = 'a long question the provider has already read';
    const pending = priced.client().chat.completions.create(
      { model: 'mock-slow-stream', messages: [{ role: 'user', content }] },
      { signal: controller.signal, headers: { 'x-mock-delay-ms': '60000' } },
    ).then(() => 'answered', (e: unknown) => e);
    await eventually(async () => priced.mock.openResponses === 1);
    controller.abort();
    expect(await pending).toBeInstanceOf(APIUserAbortError);
    const trace = await fetchLatestTrace(priced, (tr) => tr.modelRequested === 'mock-slow-stream' && !tr.stream);
    // the answer's tokens are unknowable; the prompt was read (and billed) once the call reached the provider
    expect(trace).toMatchObject({ status: 499, usageEstimated: true, completionTokens: 0 });
    expect(trace.promptTokens).toBeGreaterThan(0);
    expect(trace.costUsd).toBeCloseTo((trace.promptTokens! * SLOW_PRICE.input) / 1e6, 12);
    const after = (await priced.admin<{ items: Array<{ costUsd: number }> }>('/admin/v1/spend?groupBy=project')).body.items[0]!.costUsd;
    expect(after - before).toBeCloseTo(trace.costUsd!, 12);
  });

  it('keeps serving after the aborts', async () => {
    for (const t of [priced, unpriced]) {
      const data = await t.client().chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'still there?' }] });
      expect(data.choices[0]!.message.content).toBe('Echo: still there?');
      expect(t.mock.openResponses).toBe(0);
    }
  });
});
