import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TraceDetail } from '../../shared/api/dto';
import { startMockUpstream, type MockUpstream } from '../support/mock-upstream';
import { startTestGateway, type TestGateway } from '../support/start-gateway';
import { catchApiError, fetchTrace } from '../support/wire';

/**
 * The user's own provider quota: the mock allows 2 requests per 500 ms window and says so in
 * x-ratelimit-*-requests; above that it answers 429 with retry-after, like OpenAI.
 */
let t: TestGateway;
let quota: MockUpstream;
let client: OpenAI;

beforeAll(async () => {
  quota = await startMockUpstream({ quiet: true, rateLimit: { requests: 2, windowMs: 500 } });
  t = await startTestGateway({ openai: { baseUrl: quota.url, apiKey: 'sk-gateway-key-0000000000000000' } });
  client = t.client(); // maxRetries 0: any 429 that reached the SDK would surface as an error
});
afterAll(async () => { await t.close(); await quota.close(); });

const ask = (i: number) => client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `paced ${i}` }] });

describe('upstream pacing', () => {
  it('paces a burst to the quota the provider advertises: the provider refuses nothing and the client sees no 429', async () => {
    await ask(0); // the first answer tells the gateway the key's quota
    const answers = await Promise.all(Array.from({ length: 7 }, (_, i) => ask(i + 1)));
    expect(answers.map((a) => a.choices[0]!.message.content)).toEqual(Array.from({ length: 7 }, (_, i) => `Echo: paced ${i + 1}`));
    expect(quota.count('/chat/completions')).toBe(8);
    expect(quota.rateLimited).toBe(0);
  });

  it('an upstream 429 anyway is waited out (retry-after) and retried within the client deadline', async () => {
    await new Promise((r) => setTimeout(r, 600)); // a fresh window
    quota.script([{ status: 429, retryAfterMs: 150, message: 'Rate limit reached (scripted)' }]);
    const { data, response } = await ask(100).withResponse();
    expect(data.choices[0]!.message.content).toBe('Echo: paced 100');
    const trace: TraceDetail = await fetchTrace(t, response.headers.get('x-tollgate-trace-id'));
    expect(trace.attempts.map((a) => [a.status, a.outcome, a.waitMs])).toEqual([[429, 'retry', 150], [200, 'ok', null]]);
  });

  it("a wait longer than the client's deadline is not taken: the 429 comes back with its retry-after", async () => {
    await new Promise((r) => setTimeout(r, 600));
    quota.script([{ status: 429, retryAfter: '20', message: 'Rate limit reached (scripted, long)' }]);
    const before = quota.count('/chat/completions');
    const err = await catchApiError(client.chat.completions.create(
      { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'in a hurry' }] },
      { headers: { 'x-tollgate-timeout-ms': '1000' } },
    ));
    expect(err.status).toBe(429);
    expect(err.headers?.get('retry-after')).toBe('20');
    expect(quota.count('/chat/completions')).toBe(before + 1);
  });
});
