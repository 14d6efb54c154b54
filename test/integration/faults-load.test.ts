/**
 * 1,000 concurrent streams through one gateway, all open upstream at the same moment: every one completes
 * intact, each gets a trace, and afterwards nothing is held (sockets, in-flight requests, timers).
 */
import { describe, expect, it } from 'vitest';
import { expectClean, isolatedClient } from '../support/faults';
import { eventually, useSharedGateway, type TestGateway } from '../support/start-gateway';

let t: TestGateway;
useSharedGateway({}, (gw) => { t = gw; });

const N = 1000;

describe('1,000 concurrent streams', () => {
  it('all complete, all are traced, and nothing is held afterwards', { timeout: 90_000 }, async () => {
    const timersBefore = t.gateway.diagnostics().timers.process;
    const { client, close } = isolatedClient(t);
    let peakInFlight = 0;
    let peakUpstream = 0;
    const sampler = setInterval(() => {
      peakInFlight = Math.max(peakInFlight, t.gateway.diagnostics().inFlight);
      peakUpstream = Math.max(peakUpstream, t.mock.openResponses);
    }, 10);
    try {
      // the mock holds every answer until all N are open at once (then 100 ms more, so the sampler sees it),
      // end to end, however loaded the machine is
      const texts = await Promise.all(Array.from({ length: N }, async (_, i) => {
        const stream = await client.chat.completions.create(
          { model: 'gpt-4o-mini', messages: [{ role: 'user', content: `stream ${i}` }], stream: true },
          { headers: { 'x-mock-hold-until-open': String(N), 'x-mock-delay-ms': '100' } },
        );
        let text = '';
        for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
        return text;
      }));
      expect(texts.filter((text, i) => text === `Echo: stream ${i}`)).toHaveLength(N);
    } finally {
      clearInterval(sampler);
      await close();
    }
    expect(peakInFlight).toBe(N);
    expect(peakUpstream).toBe(N);
    expect(t.mock.count('/chat/completions')).toBe(N);
    const spend = await eventually(async () => {
      const r = await t.admin<{ items: Array<{ key: string; requests: number }> }>('/admin/v1/spend?groupBy=project');
      return r.body.items[0]?.requests === N ? r.body.items : null;
    });
    expect(spend).toEqual([expect.objectContaining({ key: 'default', requests: N })]);
    await expectClean(t, { proxySockets: 0, processTimers: timersBefore, timeoutMs: 10_000 });
    expect(t.logs.filter((l) => l.level === 'error')).toEqual([]);
  });
});
