import type OpenAI from 'openai';
import type { ChatCompletionChunk, ChatCompletionTool } from 'openai/resources/chat/completions';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMockAnthropic, type MockAnthropic } from '../support/mock-anthropic';
import { startTestGateway, type TestGateway } from '../support/start-gateway';
import { catchApiError, fetchLatestTrace, fetchTrace } from '../support/wire';

const KEY = 'sk-ant-api03-GATEWAYKEY000000000000000000';

let t: TestGateway;
let client: OpenAI;
let claude: MockAnthropic;

beforeAll(async () => {
  claude = await startMockAnthropic({ apiKey: KEY });
  // configured the way a user would: Anthropic's SDK variables (base URL without /v1)
  t = await startTestGateway({ env: { TOLLGATE_ANTHROPIC_BASE_URL: claude.url, ANTHROPIC_API_KEY: KEY } });
  client = t.client();
});
afterAll(async () => {
  await t.close();
  await claude.close();
});
beforeEach(() => {
  claude.reset();
  t.mock.reset();
});

const last = () => claude.calls.at(-1)!;

const weather: ChatCompletionTool = {
  type: 'function',
  function: { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] } },
};
const time: ChatCompletionTool = { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: {} } } };

async function collect(stream: AsyncIterable<ChatCompletionChunk>): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const c of stream) chunks.push(c);
  return chunks;
}

/** claude-sonnet-4-5 list prices per 1M tokens: input 3, cache read 0.3, cache write 3.75, output 15 */
const sonnetCost = (input: number, read: number, written: number, output: number) => (input * 3 + read * 0.3 + written * 3.75 + output * 15) / 1e6;

describe('OpenAI SDK → anthropic/<model>', () => {
  it('answers a plain call, translated both ways, priced with Anthropic prices', async () => {
    const usage = { input_tokens: 1000, cache_read_input_tokens: 2000, cache_creation_input_tokens: 400, output_tokens: 500 };
    const { data, response } = await client.chat.completions.create({
      model: 'anthropic/claude-sonnet-4-5',
      messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'hello there' }],
      max_tokens: 200, temperature: 0.5, top_p: 0.9, stop: ['zzz'], user: 'end-user-7',
    }, { headers: { 'x-mock-usage': JSON.stringify(usage) } }).withResponse();

    expect(response.status).toBe(200);
    expect(data).toMatchObject({ object: 'chat.completion', model: 'claude-sonnet-4-5-20250929' });
    expect(data.choices).toEqual([{ index: 0, logprobs: null, finish_reason: 'stop', message: { role: 'assistant', content: 'Echo: hello there', refusal: null } }]);
    expect(data.usage).toMatchObject({ prompt_tokens: 3400, completion_tokens: 500, total_tokens: 3900, prompt_tokens_details: { cached_tokens: 2000 } });

    expect(claude.count('/v1/messages')).toBe(1);
    expect(t.mock.count()).toBe(0);
    expect(last().headers).toMatchObject({ 'x-api-key': KEY, 'anthropic-version': '2023-06-01' });
    expect(last().headers.authorization).toBeUndefined();
    expect(last().body).toEqual({
      model: 'claude-sonnet-4-5', max_tokens: 200, system: [{ type: 'text', text: 'Be brief.' }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hello there' }] }],
      temperature: 0.5, top_p: 0.9, stop_sequences: ['zzz'], metadata: { user_id: 'end-user-7' },
    });

    const cost = sonnetCost(1000, 2000, 400, 500);
    expect(response.headers.get('x-tollgate-provider')).toBe('anthropic');
    expect(Number(response.headers.get('x-tollgate-cost-usd'))).toBeCloseTo(cost, 12);
    const trace = await fetchTrace(t, response.headers.get('x-tollgate-trace-id'));
    expect(trace).toMatchObject({ provider: 'anthropic', modelRequested: 'anthropic/claude-sonnet-4-5', modelUsed: 'claude-sonnet-4-5-20250929',
      status: 200, promptTokens: 3400, cachedTokens: 2000, completionTokens: 500 });
    expect(trace.costUsd).toBeCloseTo(cost, 12);
    expect(JSON.stringify(trace)).not.toContain(KEY);
  });

  it('finds Anthropic for a bare claude-… name', async () => {
    const { data, response } = await client.chat.completions.create({ model: 'claude-haiku-4-5', messages: [{ role: 'user', content: 'bare' }] }).withResponse();
    expect(data.choices[0]!.message.content).toBe('Echo: bare');
    expect(response.headers.get('x-tollgate-provider')).toBe('anthropic');
    expect(last().body.model).toBe('claude-haiku-4-5');
    expect(t.mock.count()).toBe(0);
  });

  it("uses a client's own sk-ant- key for Anthropic, and never a client's OpenAI key", async () => {
    const own = 'sk-ant-api03-CLIENTOWNKEY00000000000000000';
    const mine = await startMockAnthropic({ apiKey: own });
    try {
      await t.admin('/admin/v1/providers/claude-own', { method: 'PUT', body: { kind: 'anthropic', baseUrl: mine.url } });
      await t.client({ apiKey: own }).chat.completions.create({ model: 'claude-own/claude-haiku-4-5', messages: [{ role: 'user', content: 'x' }] });
      expect(mine.calls.at(-1)!.headers['x-api-key']).toBe(own);
    } finally {
      await mine.close();
    }
    await t.client({ apiKey: 'sk-proj-CLIENTOPENAIKEY000000000000' }).chat.completions.create({ model: 'anthropic/claude-haiku-4-5', messages: [{ role: 'user', content: 'x' }] });
    expect(last().headers['x-api-key']).toBe(KEY);
  });

  it('GET /v1/models lists the Claude models as anthropic/<id>', async () => {
    const ids: string[] = [];
    for await (const m of client.models.list()) ids.push(m.id);
    expect(ids).toEqual(expect.arrayContaining(['anthropic/claude-sonnet-4-5-20250929', 'anthropic/claude-haiku-4-5-20251001']));
    expect(last()).toMatchObject({ method: 'GET', url: '/v1/models?limit=1000' });
    expect(last().headers['x-api-key']).toBe(KEY);
  });

  it('fills max_tokens, which Anthropic requires, from the model output limit in the pricing table', async () => {
    await client.chat.completions.create({ model: 'anthropic/claude-opus-4-1', messages: [{ role: 'user', content: 'hi' }] });
    expect(last().body.max_tokens).toBe(32000);
    await client.chat.completions.create({ model: 'anthropic/claude-haiku-4-5', messages: [{ role: 'user', content: 'hi' }], max_completion_tokens: 1 });
    expect(last().body.max_tokens).toBe(1);
  });

  it('maps stop reasons: max_tokens → length, stop_sequence → stop', async () => {
    const cut = await client.chat.completions.create({ model: 'anthropic/claude-haiku-4-5', messages: [{ role: 'user', content: 'a long question' }], max_tokens: 2 });
    expect(cut.choices[0]).toMatchObject({ finish_reason: 'length', message: { content: 'Echo: a ' } });
    const stopped = await client.chat.completions.create({ model: 'anthropic/claude-haiku-4-5', messages: [{ role: 'user', content: 'one STOP two' }], stop: 'STOP' });
    expect(stopped.choices[0]).toMatchObject({ finish_reason: 'stop', message: { content: 'Echo: one ' } });
  });

  it('streams as OpenAI chunks, usage only when asked, and prices the stream', async () => {
    const plain = await collect(await client.chat.completions.create({ model: 'anthropic/claude-sonnet-4-5', messages: [{ role: 'user', content: 'streamy' }], stream: true }));
    expect(plain.map((c) => c.choices[0]?.delta?.content ?? '').join('')).toBe('Echo: streamy');
    expect(plain.at(-1)!.choices[0]!.finish_reason).toBe('stop');
    expect(plain.some((c) => c.usage)).toBe(false);
    expect(last().body.stream).toBe(true);
    expect(last().body).not.toHaveProperty('stream_options');

    const usage = { input_tokens: 100, cache_read_input_tokens: 300, cache_creation_input_tokens: 0, output_tokens: 40 };
    const { data: stream, response } = await client.chat.completions.create(
      { model: 'anthropic/claude-sonnet-4-5', messages: [{ role: 'user', content: 'count me' }], stream: true, stream_options: { include_usage: true } },
      { headers: { 'x-mock-usage': JSON.stringify(usage) } },
    ).withResponse();
    const chunks = await collect(stream);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 400, completion_tokens: 40, prompt_tokens_details: { cached_tokens: 300 } } });
    const trace = await fetchTrace(t, response.headers.get('x-tollgate-trace-id'));
    expect(trace).toMatchObject({ provider: 'anthropic', stream: true, status: 200, promptTokens: 400, cachedTokens: 300, completionTokens: 40 });
    expect(trace.costUsd).toBeCloseTo(sonnetCost(100, 300, 0, 40), 12);
  });

  it('calls tools, then reads the tool results back', async () => {
    const first = await client.chat.completions.create({
      model: 'anthropic/claude-sonnet-4-5', messages: [{ role: 'user', content: 'Paris' }], tools: [weather], tool_choice: 'required',
    });
    const msg = first.choices[0]!.message;
    expect(first.choices[0]!.finish_reason).toBe('tool_calls');
    expect(msg.content).toBeNull();
    expect(msg.tool_calls).toEqual([{ id: expect.stringMatching(/^toolu_/), type: 'function', function: { name: 'get_weather', arguments: '{"query":"Paris"}' } }]);
    expect(last().body.tools).toEqual([{ name: 'get_weather', description: 'Weather for a city', input_schema: weather.function.parameters }]);
    expect(last().body.tool_choice).toEqual({ type: 'any' });

    const second = await client.chat.completions.create({
      model: 'anthropic/claude-sonnet-4-5', tools: [weather],
      messages: [{ role: 'user', content: 'Paris' }, msg, { role: 'tool', tool_call_id: msg.tool_calls![0]!.id, content: '21C and sunny' }],
    });
    expect(second.choices[0]!.message.content).toBe('Tool said: 21C and sunny');
    expect(last().body.messages[2]).toEqual({ role: 'user', content: [{ type: 'tool_result', tool_use_id: msg.tool_calls![0]!.id, content: [{ type: 'text', text: '21C and sunny' }] }] });

    // OpenAI takes a tool history without tool definitions; Anthropic needs them declared
    const bare = await client.chat.completions.create({
      model: 'anthropic/claude-sonnet-4-5',
      messages: [{ role: 'user', content: 'Paris' }, msg, { role: 'tool', tool_call_id: msg.tool_calls![0]!.id, content: '22C' }],
    });
    expect(bare.choices[0]!.message.content).toBe('Tool said: 22C');
    expect(last().body.tool_choice).toEqual({ type: 'none' });
  });

  it('streams parallel tool calls that the SDK assembles into the same message', async () => {
    const runner = client.chat.completions.stream({ model: 'anthropic/claude-sonnet-4-5', messages: [{ role: 'user', content: 'Rome' }], tools: [weather, time] });
    const final = await runner.finalChatCompletion();
    const choice = final.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBe('Let me check.');
    expect(choice.message.tool_calls!.map((c) => c.type === 'function' ? [c.function.name, c.function.arguments] : null))
      .toEqual([['get_weather', '{"query":"Rome"}'], ['get_time', '{}']]);
    expect(new Set(choice.message.tool_calls!.map((c) => c.id)).size).toBe(2);

    const only = await client.chat.completions.stream({ model: 'anthropic/claude-sonnet-4-5', messages: [{ role: 'user', content: 'Oslo' }], tools: [weather], tool_choice: 'required' }).finalChatCompletion();
    expect(only.choices[0]!.message).toMatchObject({ content: null, tool_calls: [{ type: 'function', function: { name: 'get_weather', arguments: '{"query":"Oslo"}' } }] });

    await client.chat.completions.create({ model: 'anthropic/claude-sonnet-4-5', messages: [{ role: 'user', content: 'x' }], tools: [weather, time], parallel_tool_calls: false });
    expect(last().body.tool_choice).toEqual({ type: 'auto', disable_parallel_tool_use: true });
  });

  it('answers response_format json_schema with JSON content, whole and streamed', async () => {
    const response_format = { type: 'json_schema' as const, json_schema: { name: 'lookup', schema: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] } } };
    const whole = await client.chat.completions.parse({ model: 'anthropic/claude-sonnet-4-5', messages: [{ role: 'user', content: 'Lima' }], response_format });
    expect(whole.choices[0]!.finish_reason).toBe('stop');
    expect(whole.choices[0]!.message.parsed).toEqual({ query: 'Lima' });
    expect(last().body).toMatchObject({ tools: [{ name: 'tollgate_json_response', input_schema: response_format.json_schema.schema }], tool_choice: { type: 'tool', name: 'tollgate_json_response' } });

    const streamed = await client.chat.completions.stream({ model: 'anthropic/claude-sonnet-4-5', messages: [{ role: 'user', content: 'Quito' }], response_format }).finalChatCompletion();
    expect(streamed.choices[0]!.message.content).toBe('{"query":"Quito"}');
    expect(streamed.choices[0]!.message.tool_calls ?? []).toEqual([]);
  });

  it('passes cache_control through, so a repeated long prefix is read from the prompt cache and billed at the cache price', async () => {
    const system = [{ type: 'text', text: 'Rules. '.repeat(700), cache_control: { type: 'ephemeral' } }];
    const ask = () => client.chat.completions.create({
      model: 'anthropic/claude-sonnet-4-5',
      messages: [{ role: 'system', content: system as unknown as string }, { role: 'user', content: 'q' }],
    }).withResponse();
    const a = await ask();
    const b = await ask();
    expect(a.data.usage!.prompt_tokens_details!.cached_tokens).toBe(0);
    expect(b.data.usage!.prompt_tokens_details!.cached_tokens).toBeGreaterThan(1000);
    expect(b.data.usage!.prompt_tokens).toBe(a.data.usage!.prompt_tokens);
    expect(Number(b.response.headers.get('x-tollgate-cost-usd'))).toBeLessThan(Number(a.response.headers.get('x-tollgate-cost-usd')) / 5);
  });

  it('prices 1-hour cache writes at twice the input price', async () => {
    const system = [{ type: 'text', text: 'Hour rules. '.repeat(400), cache_control: { type: 'ephemeral', ttl: '1h' } }];
    const { data, response } = await client.chat.completions.create({
      model: 'anthropic/claude-sonnet-4-5', messages: [{ role: 'system', content: system as unknown as string }, { role: 'user', content: 'q' }],
    }).withResponse();
    const u = data.usage as unknown as { prompt_tokens: number; completion_tokens: number; cache_creation_input_tokens: number; cache_creation: { ephemeral_1h_input_tokens: number } };
    expect(u.cache_creation.ephemeral_1h_input_tokens).toBe(u.cache_creation_input_tokens);
    expect(u.cache_creation_input_tokens).toBeGreaterThan(1000);
    const cost = ((u.prompt_tokens - u.cache_creation_input_tokens) * 3 + u.cache_creation_input_tokens * 6 + u.completion_tokens * 15) / 1e6;
    expect(Number(response.headers.get('x-tollgate-cost-usd'))).toBeCloseTo(cost, 12);
  });
});

describe('extended thinking', () => {
  type Thinking = { reasoning_content?: string; thinking_blocks?: Array<{ type: string; thinking?: string; signature?: string }> };

  it('reasoning_effort turns thinking on; the answer carries reasoning_content and the blocks, whole or streamed', async () => {
    const ask = { model: 'anthropic/claude-sonnet-4-5', messages: [{ role: 'user' as const, content: 'why is the sky blue?' }], reasoning_effort: 'medium' as const };
    const data = await client.chat.completions.create(ask);
    expect(last().body.thinking).toEqual({ type: 'enabled', budget_tokens: 2048 });
    const message = data.choices[0]!.message as typeof data.choices[0]['message'] & Thinking;
    expect(message.content).toBe('Echo: why is the sky blue?');
    expect(message.reasoning_content).toBe('Thinking about: why is the sky blue?');
    expect(message.thinking_blocks).toEqual([{ type: 'thinking', thinking: 'Thinking about: why is the sky blue?', signature: expect.stringMatching(/^sig_/) }]);

    const chunks = await collect(await client.chat.completions.create({ ...ask, stream: true }));
    const deltas = chunks.map((c) => c.choices[0]?.delta as (Record<string, unknown> & Thinking) | undefined);
    expect(deltas.map((d) => d?.reasoning_content ?? '').join('')).toBe('Thinking about: why is the sky blue?');
    expect(deltas.flatMap((d) => d?.thinking_blocks ?? [])).toEqual(message.thinking_blocks);
    expect(deltas.map((d) => d?.content ?? '').join('')).toBe('Echo: why is the sky blue?');
  });

  it('a tool-use turn goes on with the thinking blocks sent back, as Anthropic requires', async () => {
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: 'user', content: 'weather in Oslo?' }];
    const first = await client.chat.completions.create({ model: 'anthropic/claude-sonnet-4-5', messages, tools: [weather], reasoning_effort: 'low' });
    const turn = first.choices[0]!.message as typeof first.choices[0]['message'] & Thinking;
    expect(turn.tool_calls).toHaveLength(1);
    const followUp = [...messages, { role: 'assistant', content: turn.content, tool_calls: turn.tool_calls, thinking_blocks: turn.thinking_blocks },
      { role: 'tool', tool_call_id: turn.tool_calls![0]!.id, content: 'rain' }] as OpenAI.Chat.ChatCompletionMessageParam[];
    const second = await client.chat.completions.create({ model: 'anthropic/claude-sonnet-4-5', messages: followUp, tools: [weather], reasoning_effort: 'low' });
    expect(second.choices[0]!.message.content).toBe('Tool said: rain');
    expect((last().body.messages as Array<{ content: Array<{ type: string }> }>)[1]!.content[0]!.type).toBe('thinking');
    // without them, Anthropic refuses the turn; its message reaches the client
    const { thinking_blocks: _dropped, ...bare } = followUp[1] as unknown as Record<string, unknown>;
    const err = await catchApiError(client.chat.completions.create({ model: 'anthropic/claude-sonnet-4-5', messages: [followUp[0]!, bare as never, followUp[2]!], tools: [weather], reasoning_effort: 'low' }));
    expect(err.status).toBe(400);
    expect(err.message).toContain('must start with a thinking block');
  });

  it('refuses settings Anthropic does not take with thinking, before calling it', async () => {
    const err = await catchApiError(client.chat.completions.create({ model: 'anthropic/claude-sonnet-4-5', messages: [{ role: 'user', content: 'x' }], reasoning_effort: 'high', temperature: 0 }));
    expect(err).toMatchObject({ status: 400, param: 'temperature' });
    expect(err.message).toContain('temperature 1 only');
    expect(claude.count('/v1/messages')).toBe(0);
  });
});

describe('errors', () => {
  it('refuses what cannot be translated before calling Anthropic', async () => {
    const err = await catchApiError(client.chat.completions.create({ model: 'anthropic/claude-sonnet-4-5', messages: [{ role: 'user', content: 'x' }], temperature: 1.5 }));
    expect(err.status).toBe(400);
    expect(err.param).toBe('temperature');
    expect(err.message).toContain('0 to 1');
    const n = await catchApiError(client.chat.completions.create({ model: 'anthropic/claude-sonnet-4-5', messages: [{ role: 'user', content: 'x' }], n: 3 }));
    expect(n.param).toBe('n');
    expect(claude.count()).toBe(0);
  });

  it("keeps Anthropic's 4xx status and message, with an OpenAI code", async () => {
    const missing = await catchApiError(client.chat.completions.create({ model: 'anthropic/claude-nope-9', messages: [{ role: 'user', content: 'x' }] }));
    expect(missing.status).toBe(404);
    expect(missing.code).toBe('model_not_found');
    expect(missing.message).toContain('model: claude-nope-9');

    const limited = await catchApiError(client.chat.completions.create({ model: 'anthropic/mock-error-429', messages: [{ role: 'user', content: 'x' }] }));
    expect(limited.status).toBe(429);
    expect(limited.code).toBe('rate_limit_exceeded');
    expect(limited.message).toContain('would exceed the rate limit');
    expect(limited.headers?.get('retry-after')).toBe('1');
  });

  it('a wrong key surfaces as 401 invalid_api_key', async () => {
    const other = await startMockAnthropic({ apiKey: 'sk-ant-the-right-one' });
    try {
      const put = await t.admin(`/admin/v1/providers/claude2`, { method: 'PUT', body: { kind: 'anthropic', baseUrl: other.url, apiKey: 'sk-ant-wrong-key-000000000000' } });
      expect(put.status).toBe(200);
      const err = await catchApiError(client.chat.completions.create({ model: 'claude2/claude-haiku-4-5', messages: [{ role: 'user', content: 'x' }] }));
      expect(err.status).toBe(401);
      expect(err.code).toBe('invalid_api_key');
      expect(err.message).toContain('invalid x-api-key');
      expect(other.calls.at(-1)!.headers['x-api-key']).toBe('sk-ant-wrong-key-000000000000');
      expect(err.message).not.toContain('sk-ant-wrong');
    } finally {
      await other.close();
    }
  });

  it('turns an Anthropic 5xx into a 502 with its message', async () => {
    const err = await catchApiError(client.chat.completions.create({ model: 'anthropic/mock-overloaded', messages: [{ role: 'user', content: 'x' }] }));
    expect(err.status).toBe(502);
    expect(err.message).toContain('Overloaded');
  });

  it('an error event mid-stream reaches the SDK as an error, and the trace keeps it', async () => {
    const stream = await client.chat.completions.create({ model: 'anthropic/mock-stream-error', messages: [{ role: 'user', content: 'hello world' }], stream: true });
    let text = '';
    const err = await (async () => {
      for await (const c of stream) text += c.choices[0]?.delta?.content ?? '';
    })().then(() => null, (e: unknown) => e as Error);
    expect(err?.message).toContain('Overloaded');
    // the three deltas before the error event arrived, the rest never did
    expect(text).toBe('Echo: hello ');
    const trace = await fetchLatestTrace(t, (tr) => tr.modelRequested === 'anthropic/mock-stream-error');
    expect(trace.error).toContain('Overloaded');
  });
});

describe('gateway features over Anthropic', () => {
  const det = (content: string) => ({ model: 'anthropic/claude-haiku-4-5', messages: [{ role: 'user' as const, content }], temperature: 0 });

  it('caches a deterministic answer and replays it, whole or as SSE, without calling Anthropic again', async () => {
    const first = await client.chat.completions.create(det('cache me')).withResponse();
    expect(first.response.headers.get('x-tollgate-cache')).toBe('miss');
    const second = await client.chat.completions.create(det('cache me')).withResponse();
    expect(second.response.headers.get('x-tollgate-cache')).toBe('hit');
    expect(second.data.choices[0]!.message.content).toBe('Echo: cache me');
    const replay = await collect(await client.chat.completions.create({ ...det('cache me'), stream: true }));
    expect(replay.map((c) => c.choices[0]?.delta?.content ?? '').join('')).toBe('Echo: cache me');
    expect(claude.count('/v1/messages')).toBe(1);
  });

  it('a stream Anthropic cuts off ends with an error for the client, is traced, and is never cached', async () => {
    for (let i = 0; i < 2; i++) {
      const stream = await client.chat.completions.create({ ...det('hello world'), model: 'anthropic/mock-reset', stream: true });
      let text = '';
      const err = await (async () => {
        for await (const c of stream) text += c.choices[0]?.delta?.content ?? '';
      })().then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      expect(text).toBe('Echo: hello ');
    }
    expect(claude.count('/v1/messages')).toBe(2);
    const trace = await fetchLatestTrace(t, (tr) => tr.modelRequested === 'anthropic/mock-reset');
    expect(trace.error).toMatch(/anthropic broke off its answer part-way/);
  });

  it('an unreadable event is skipped, the rest arrives, and the answer is flagged and not cached', async () => {
    for (let i = 0; i < 2; i++) {
      const chunks = await collect(await client.chat.completions.create({ ...det('bad sse'), model: 'anthropic/mock-bad-sse', stream: true }));
      expect(chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('')).toBe('Echo: bad sse');
    }
    expect(claude.count('/v1/messages')).toBe(2);
    const trace = await fetchLatestTrace(t, (tr) => tr.modelRequested === 'anthropic/mock-bad-sse');
    expect(trace.error).toContain('1 unreadable SSE event(s) from anthropic could not be translated');
  });
});
