import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SseSplitter } from '../../electron/gateway/stream/sse-splitter';
import { startMockAnthropic, type MockAnthropic } from './mock-anthropic.js';

let mock: MockAnthropic;

beforeAll(async () => {
  mock = await startMockAnthropic({ apiKey: 'sk-ant-test' });
});
afterAll(() => mock.close());
beforeEach(() => mock.reset());

const HEADERS = { 'content-type': 'application/json', 'x-api-key': 'sk-ant-test', 'anthropic-version': '2023-06-01' };

async function post(body: unknown, headers: Record<string, string> = HEADERS) {
  const res = await fetch(`${mock.url}/v1/messages`, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) as any };
}

const hello = { model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'hello' }] };

describe('mock Anthropic Messages API', () => {
  it('answers a message with usage in Anthropic form', async () => {
    const r = await post(hello);
    expect(r.status).toBe(200);
    expect(r.headers.get('request-id')).toMatch(/^req_/);
    expect(r.json()).toMatchObject({
      type: 'message', role: 'assistant', model: 'claude-sonnet-4-5-20250929', content: [{ type: 'text', text: 'Echo: hello' }],
      stop_reason: 'end_turn', stop_sequence: null,
      usage: { input_tokens: 5, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 3 },
    });
    expect(r.json().id).toMatch(/^msg_01/);
  });

  it('checks x-api-key and anthropic-version', async () => {
    const noKey = await post(hello, { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' });
    expect(noKey.status).toBe(401);
    expect(noKey.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error', message: 'x-api-key header is required' } });
    expect((await post(hello, { ...HEADERS, 'x-api-key': 'wrong' })).json().error.message).toBe('invalid x-api-key');
    const noVersion = await post(hello, { 'content-type': 'application/json', 'x-api-key': 'sk-ant-test' });
    expect(noVersion.status).toBe(400);
    expect(noVersion.json().error.message).toContain('anthropic-version');
  });

  it('refuses what the real API refuses', async () => {
    const { max_tokens: _drop, ...noMax } = hello;
    expect((await post(noMax)).json().error.message).toBe('max_tokens: Field required');
    expect((await post({ ...hello, max_tokens: 99999 })).json().error.message).toContain('maximum allowed number of output tokens');
    expect((await post({ ...hello, messages: [{ role: 'system', content: 'x' }] })).json().error.message).toContain("'user' or 'assistant'");
    expect((await post({ ...hello, temperature: 1.5 })).status).toBe(400);
    expect((await post({ ...hello, n: 1 })).json().error.message).toBe('n: Extra inputs are not permitted');
    const orphan = await post({ ...hello, messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_x', content: 'r' }] }] });
    expect(orphan.json().error.message).toContain('corresponding `tool_use` block');
    const unknown = await post({ ...hello, model: 'gpt-4o' });
    expect(unknown.status).toBe(404);
    expect(unknown.json().error).toEqual({ type: 'not_found_error', message: 'model: gpt-4o' });
  });

  it('calls tools and reads their results', async () => {
    const tools = [{ name: 'get_weather', input_schema: { type: 'object', properties: { query: { type: 'string' } } } }];
    const call = (await post({ ...hello, tools })).json();
    expect(call.stop_reason).toBe('tool_use');
    expect(call.content).toMatchObject([{ type: 'text', text: 'Let me check.' }, { type: 'tool_use', name: 'get_weather', input: { query: 'hello' } }]);
    const messages = [...hello.messages, { role: 'assistant', content: call.content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.content[1].id, content: '21C' }] }];
    expect((await post({ ...hello, tools, messages })).json().content).toEqual([{ type: 'text', text: 'Tool said: 21C' }]);
  });

  it('honours stop_sequences and max_tokens', async () => {
    const stopped = (await post({ ...hello, stop_sequences: ['ll'] })).json();
    expect(stopped).toMatchObject({ content: [{ text: 'Echo: he' }], stop_reason: 'stop_sequence', stop_sequence: 'll' });
    expect((await post({ ...hello, max_tokens: 1 })).json()).toMatchObject({ content: [{ text: 'Echo' }], stop_reason: 'max_tokens' });
  });

  it('writes a marked prefix to the prompt cache, then reads it', async () => {
    const body = { ...hello, system: [{ type: 'text', text: 'x'.repeat(4400), cache_control: { type: 'ephemeral' } }] };
    const first = (await post(body)).json().usage;
    const second = (await post(body)).json().usage;
    expect(first).toMatchObject({ cache_creation_input_tokens: 1100, cache_read_input_tokens: 0 });
    expect(second).toMatchObject({ cache_creation_input_tokens: 0, cache_read_input_tokens: 1100, input_tokens: first.input_tokens });
  });

  it('streams the real event sequence', async () => {
    const tools = [{ name: 'get_weather', input_schema: { type: 'object', properties: { query: { type: 'string' } } } }];
    const r = await post({ ...hello, stream: true, tools, tool_choice: { type: 'any' } });
    expect(r.headers.get('content-type')).toContain('text/event-stream');
    const events = new SseSplitter().push(Buffer.from(r.text));
    const names = events.map((e) => e.event);
    expect(names.slice(0, 3)).toEqual(['message_start', 'content_block_start', 'ping']);
    expect(names.slice(-4)).toEqual(['content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);
    for (const e of events) expect(JSON.parse(e.data).type).toBe(e.event);
    const json = events.filter((e) => e.event === 'content_block_delta').map((e) => JSON.parse(e.data).delta.partial_json).join('');
    expect(JSON.parse(json)).toEqual({ query: 'hello' });
    expect(JSON.parse(events.at(-2)!.data)).toMatchObject({ delta: { stop_reason: 'tool_use' }, usage: { output_tokens: expect.any(Number) } });
  });

  it('fails on demand: 429 with retry-after, 529 overloaded, an error event mid-stream', async () => {
    const limited = await post({ ...hello, model: 'mock-error-429' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(limited.json().error.type).toBe('rate_limit_error');
    expect((await post({ ...hello, model: 'mock-overloaded' })).status).toBe(529);
    const broken = await post({ ...hello, model: 'mock-stream-error', stream: true });
    const events = new SseSplitter().push(Buffer.from(broken.text));
    expect(events.at(-1)!.event).toBe('error');
    expect(events.map((e) => e.event)).not.toContain('message_stop');
    expect(mock.count('/v1/messages')).toBe(3);
  });
});
