/**
 * The "done when": one OPENAI_BASE_URL reaches OpenAI, Anthropic and a local model; a provider outage
 * is invisible to the client except in the trace.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockAnthropic, type MockAnthropic } from '../support/mock-anthropic';
import { startMockUpstream, type MockUpstream } from '../support/mock-upstream';
import { startTestGateway, type TestGateway } from '../support/start-gateway';
import { fetchTrace } from '../support/wire';

const ANTHROPIC_KEY = 'sk-ant-api03-ONEBASEURL0000000000000000';
let t: TestGateway;
let claude: MockAnthropic;
let local: MockUpstream;
let client: OpenAI;

beforeAll(async () => {
  claude = await startMockAnthropic({ apiKey: ANTHROPIC_KEY });
  local = await startMockUpstream({ quiet: true });
  t = await startTestGateway({
    env: { TOLLGATE_ANTHROPIC_BASE_URL: claude.url, ANTHROPIC_API_KEY: ANTHROPIC_KEY, TOLLGATE_OLLAMA_BASE_URL: local.url },
    routing: { retry: { baseDelayMs: 5, maxDelayMs: 20 } },
  });
  client = t.client();
});
afterAll(async () => { await t.close(); await claude.close(); await local.close(); });

const ask = (model: string, content: string) => client.chat.completions.create({ model, messages: [{ role: 'user', content }] }).withResponse();

describe('one base URL', () => {
  it('reaches OpenAI, Anthropic and a local model by the model name alone', async () => {
    const [o, a, bare, l] = await Promise.all([
      ask('gpt-4o-mini', 'to openai'), ask('anthropic/claude-sonnet-4-5', 'to claude'),
      ask('claude-haiku-4-5', 'bare claude'), ask('ollama/llama3.2', 'to the laptop'),
    ]);
    expect(o.data.choices[0]!.message.content).toBe('Echo: to openai');
    expect(a.data.choices[0]!.message.content).toBe('Echo: to claude');
    expect(bare.data.choices[0]!.message.content).toBe('Echo: bare claude');
    expect(l.data.choices[0]!.message.content).toBe('Echo: to the laptop');
    expect([o, a, bare, l].map((r) => r.response.headers.get('x-tollgate-provider'))).toEqual(['openai', 'anthropic', 'anthropic', 'ollama']);
    expect(claude.count('/v1/messages')).toBe(2);
    expect(local.calls.at(-1)!.headers.authorization).toBeUndefined();
    const ids: string[] = [];
    for await (const m of client.models.list()) ids.push(m.id);
    expect(ids).toEqual(expect.arrayContaining(['gpt-4o-mini', 'ollama/gpt-4o-mini']));
    expect(ids.some((id) => id.startsWith('anthropic/claude-'))).toBe(true);
  });

  it('an Anthropic outage behind an alias is invisible to the client, except in the trace', async () => {
    expect((await t.admin('/admin/v1/aliases/assistant', {
      method: 'PUT', body: { targets: ['anthropic/mock-overloaded', 'openai/gpt-4o-mini'] },
    })).status).toBe(200);
    const r = await ask('assistant', 'are you there');
    expect(r.data.choices[0]!.message.content).toBe('Echo: are you there');
    const trace = await fetchTrace(t, r.response.headers.get('x-tollgate-trace-id'));
    expect(trace.provider).toBe('openai');
    expect(trace.attempts.map((a) => [a.target, a.status, a.outcome])).toEqual([
      ['anthropic/mock-overloaded', 529, 'retry'], ['anthropic/mock-overloaded', 529, 'retry'],
      ['anthropic/mock-overloaded', 529, 'fallback'], ['openai/gpt-4o-mini', 200, 'ok'],
    ]);
    expect(trace.attempts[0]!.error).toMatch(/anthropic/i);
  });
});
