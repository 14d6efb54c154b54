import type OpenAI from 'openai';
import type { ChatCompletionChunk, ChatCompletionTool } from 'openai/resources/chat/completions';
import { describe, expect, it } from 'vitest';
import { useSharedGateway, type TestGateway } from '../support/start-gateway';
import { fetchTrace } from '../support/wire';

let t: TestGateway;
let client: OpenAI;

useSharedGateway({}, (gw) => {
  t = gw;
  client = gw.client();
});

const lastCall = () => t.mock.calls[t.mock.calls.length - 1]!;

const weatherTool: ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
  },
};

async function collect(stream: AsyncIterable<ChatCompletionChunk>): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const c of stream) chunks.push(c);
  return chunks;
}

describe('plain chat', () => {
  it('answers with content, usage and the x-tollgate-* headers', async () => {
    // gpt-4o-mini: $0.15 input, $0.075 cached input, $0.60 output per 1M tokens
    const usage = { prompt_tokens: 1000, cached_tokens: 200, completion_tokens: 500 };
    const { data, response } = await client.chat.completions
      .create(
        { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello world' }] },
        { headers: { 'x-mock-usage': JSON.stringify(usage) } },
      )
      .withResponse();

    expect(response.status).toBe(200);
    expect(data.object).toBe('chat.completion');
    expect(data.choices[0]!.message.content).toBe('Echo: hello world');
    expect(data.choices[0]!.finish_reason).toBe('stop');
    expect(data.usage).toMatchObject({ prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500 });
    expect(data.usage!.prompt_tokens_details!.cached_tokens).toBe(200);

    const traceId = response.headers.get('x-tollgate-trace-id');
    expect(traceId).toMatch(/^tr_/);
    expect(response.headers.get('x-tollgate-project')).toBe('default');
    expect(response.headers.get('x-tollgate-cache')).toBe('bypass'); // default temperature is sampled
    const expectedCost = (800 * 0.15 + 200 * 0.075 + 500 * 0.6) / 1e6;
    expect(Number(response.headers.get('x-tollgate-cost-usd'))).toBeCloseTo(expectedCost, 12);
    expect(t.mock.count('/chat/completions')).toBe(1);

    const trace = await fetchTrace(t, traceId);
    expect(trace).toMatchObject({ endpoint: 'chat.completions', status: 200, modelRequested: 'gpt-4o-mini', stream: false });
    expect(trace.costUsd).toBeCloseTo(expectedCost, 12);
  });

  it('prices by the snapshot the provider answered with when the requested name is not in the table', async () => {
    const usage = { prompt_tokens: 1000, completion_tokens: 500 };
    const { response } = await client.chat.completions
      .create(
        { model: 'my-team-default', messages: [{ role: 'user', content: 'hi' }] },
        { headers: { 'x-mock-usage': JSON.stringify(usage), 'x-mock-model': 'gpt-4o-mini-2024-07-18' } },
      )
      .withResponse();
    const expectedCost = (1000 * 0.15 + 500 * 0.6) / 1e6;
    expect(Number(response.headers.get('x-tollgate-cost-usd'))).toBeCloseTo(expectedCost, 12);
    const trace = await fetchTrace(t, response.headers.get('x-tollgate-trace-id'));
    expect(trace).toMatchObject({ modelRequested: 'my-team-default', modelUsed: 'gpt-4o-mini-2024-07-18' });
    expect(trace.costUsd).toBeCloseTo(expectedCost, 12);
  });

  it('passes the request body upstream unchanged', async () => {
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], temperature: 0.3 });
    expect(lastCall().body).toEqual({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], temperature: 0.3 });
  });
});

describe('streamed chat', () => {
  const text = 'stream me please';
  const answer = `Echo: ${text}`;
  const contentPieces = Math.ceil(answer.length / 4);

  it('forwards each chunk as its own SSE event and hides the usage chunk the client did not ask for', async () => {
    const { data: stream, response } = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: text }], stream: true })
      .withResponse();
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    expect(response.headers.get('x-tollgate-trace-id')).toMatch(/^tr_/);
    expect(response.headers.get('x-tollgate-project')).toBe('default');
    const chunks = await collect(stream);

    const deltas = chunks.map((c) => c.choices[0]?.delta.content ?? '').filter(Boolean);
    expect(deltas.join('')).toBe(answer);
    expect(deltas).toHaveLength(contentPieces); // not re-chunked into one blob
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('stop');
    expect(chunks.some((c) => c.choices.length === 0)).toBe(false);
    expect(chunks.every((c) => c.usage == null)).toBe(true);

    // the gateway still asked upstream for usage, so the trace has real numbers
    expect(lastCall().body.stream_options).toEqual({ include_usage: true });
    const trace = await fetchTrace(t, response.headers.get('x-tollgate-trace-id'));
    expect(trace.usageEstimated).toBe(false);
    expect(trace.promptTokens).toBeGreaterThan(0);
    expect(trace.completionTokens).toBe(contentPieces);
    expect(trace.costUsd).toBeGreaterThan(0);
  });

  it('keeps the usage-only chunk when the client asked for it', async () => {
    const stream = await client.chat.completions.create(
      { model: 'gpt-4o-mini', messages: [{ role: 'user', content: text }], stream: true, stream_options: { include_usage: true } },
      { headers: { 'x-mock-usage': JSON.stringify({ prompt_tokens: 40, completion_tokens: 7 }) } },
    );
    const chunks = await collect(stream);

    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe(answer);
    const usageChunks = chunks.filter((c) => c.choices.length === 0);
    expect(usageChunks).toHaveLength(1);
    expect(usageChunks[0]!.usage).toMatchObject({ prompt_tokens: 40, completion_tokens: 7, total_tokens: 47 });
    expect(chunks.at(-1)).toBe(usageChunks[0]);
    expect(lastCall().body.stream_options).toEqual({ include_usage: true });
  });

  it('keeps the client\'s other stream_options when adding include_usage', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini', messages: [{ role: 'user', content: text }], stream: true,
      stream_options: { include_usage: false },
    });
    const chunks = await collect(stream);
    expect(chunks.some((c) => c.choices.length === 0)).toBe(false);
    expect(lastCall().body.stream_options).toEqual({ include_usage: true });
  });
});

describe('tool calls', () => {
  const question = 'weather in Paris?';
  const expectedArgs = JSON.stringify({ query: question });

  it('returns a tool call in a plain answer', async () => {
    const data = await client.chat.completions.create({
      model: 'gpt-4o-mini', messages: [{ role: 'user', content: question }], tools: [weatherTool],
    });
    const choice = data.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    const call = choice.message.tool_calls![0]!;
    expect(call.type).toBe('function');
    expect(call.id).toBe('call_mock_1');
    if (call.type !== 'function') throw new Error('not a function call');
    expect(call.function).toEqual({ name: 'get_weather', arguments: expectedArgs });
    expect(lastCall().body.tools).toEqual([weatherTool]);
  });

  it('streams tool-call deltas the SDK reassembles', async () => {
    const runner = client.chat.completions.stream({
      model: 'gpt-4o-mini', messages: [{ role: 'user', content: question }], tools: [weatherTool],
    });
    const argDeltas: string[] = [];
    runner.on('tool_calls.function.arguments.delta', (e) => argDeltas.push(e.arguments_delta));
    const final = await runner.finalChatCompletion();

    const choice = final.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    const call = choice.message.tool_calls![0]!;
    expect(call.id).toBe('call_mock_1');
    if (call.type !== 'function') throw new Error('not a function call');
    expect(call.function.name).toBe('get_weather');
    expect(call.function.arguments).toBe(expectedArgs);
    expect(JSON.parse(call.function.arguments)).toEqual({ query: question });
    expect(argDeltas.length).toBeGreaterThan(1);
    expect(argDeltas.join('')).toBe(expectedArgs);
  });

  it('carries a follow-up turn with the tool result', async () => {
    const first = await client.chat.completions.create({
      model: 'gpt-4o-mini', messages: [{ role: 'user', content: question }], tools: [weatherTool],
    });
    const assistant = first.choices[0]!.message;
    const call = assistant.tool_calls![0]!;
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [
      { role: 'user', content: question },
      { role: 'assistant', content: assistant.content, tool_calls: assistant.tool_calls },
      { role: 'tool', tool_call_id: call.id, content: 'sunny, 21C' },
    ];
    const second = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, tools: [weatherTool] });
    expect(second.choices[0]!.message.content).toBe('Tool said: sunny, 21C');
    expect(second.choices[0]!.finish_reason).toBe('stop');

    const sent = lastCall().body;
    expect(sent.messages[2]).toEqual({ role: 'tool', tool_call_id: 'call_mock_1', content: 'sunny, 21C' });
    expect(sent.messages[1].tool_calls[0].id).toBe('call_mock_1');
  });

  it('streams the follow-up turn too', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini', stream: true, tools: [weatherTool],
      messages: [
        { role: 'user', content: question },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_mock_1', type: 'function', function: { name: 'get_weather', arguments: expectedArgs } }] },
        { role: 'tool', tool_call_id: 'call_mock_1', content: 'rain' },
      ],
    });
    const chunks = await collect(stream);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Tool said: rain');
  });
});
