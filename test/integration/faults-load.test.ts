/**
 * 1,000 concurrent streams through one gateway, all open upstream at the same moment (a gate in front of the
 * mock releases them only once all 1,000 have arrived): every one completes intact, each gets a trace, and
 * afterwards nothing is held (sockets, in-flight requests, timers).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectClean, isolatedClient, startGate } from '../support/faults';
import { startMockUpstream, type MockUpstream } from '../support/mock-upstream';
import { eventually, startTestGateway, type TestGateway } from '../support/start-gateway';

const N = 1000;
let t: TestGateway;
let mock: MockUpstream;
let gate: Awaited<ReturnType<typeof startGate>>;

beforeAll(async () => {
  mock = await startMockUpstream({ quiet: true });
  gate = await startGate(mock.url, N);
  t = await startTestGateway({ openai: { baseUrl: gate.url, apiKey: 'sk-gateway-key-0000000000000000' } });
});
afterAll(async () => {
  await t.close();
  await gate.close();
  await mock.close();
});

describe('1,000 concurrent streams', () => {
  it('all are open at once, all complete, all are traced, and nothing is held afterwards', { timeout: 90_000 }, async () => {
    const timersBefore = t.gateway.diagnostics().timers.process;
    const { client, close } = isolatedClient(t);
    let peakInFlight = 0;
    const sampler = setInterval(() => { peakInFlight = Math.max(peakInFlight, t.gateway.diagnostics().inFlight); }, 10);
    try {
      const texts = await Promise.all(Array.from({ length: N }, async (_, i) => {
        const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `stream ${i}` }], stream: true });
        let text = '';
        for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
        return text;
      }));
      expect(texts.filter((text, i) => text === `Echo: stream ${i}`)).toHaveLength(N);
    } finally {
      clearInterval(sampler);
      await close();
    }
    expect(gate.arrived()).toBe(N);
    expect(peakInFlight).toBe(N);
    expect(mock.count('/chat/completions')).toBe(N);
    const spend = await eventually(async () => {
      const r = await t.admin<{ items: Array<{ key: string; requests: number }> }>('/admin/v1/spend?groupBy=project');
      return r.body.items[0]?.requests === N ? r.body.items : null;
    });
    expect(spend).toEqual([expect.objectContaining({ key: 'default', requests: N })]);
    await expectClean(t, { proxySockets: 0, processTimers: timersBefore, timeoutMs: 10_000 });
    expect(t.logs.filter((l) => l.level === 'error')).toEqual([]);
  });
});
