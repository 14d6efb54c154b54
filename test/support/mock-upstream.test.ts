import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startMockUpstream, type MockUpstream } from './mock-upstream.js';

let mock: MockUpstream;
let client: OpenAI;

beforeAll(async () => {
  mock = await startMockUpstream({ quiet: true });
  client = new OpenAI({ baseURL: mock.url, apiKey: 'sk-test', maxRetries: 0 });
});

afterAll(async () => {
  await mock.close();
});

beforeEach(() => mock.reset());

async function waitFor(cond: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(mock.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function expectApiError(p: Promise<unknown>): Promise<APIError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(APIError);
  return err as APIError;
}

describe('chat completions', () => {
  it('echoes the last user message with usage and OpenAI headers', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hello world' }] })
      .withResponse();
    expect(data.object).toBe('chat.completion');
    expect(data.id).toMatch(/^chatcmpl-mock\d+$/);
    expect(data.model).toBe('gpt-4o');
    expect(data.system_fingerprint).toBe('fp_mock');
    expect(data.choices[0]?.message.content).toBe('Echo: hello world');
    expect(data.choices[0]?.finish_reason).toBe('stop');
    // ceil(11/4) + 3*1 = 6; ceil(17/4) = 5
    expect(data.usage).toMatchObject({ prompt_tokens: 6, completion_tokens: 5, total_tokens: 11 });
    expect(data.usage?.prompt_tokens_details?.cached_tokens).toBe(0);
    expect(response.headers.get('x-request-id')).toMatch(/^req_/);
    expect(response.headers.get('x-ratelimit-remaining-requests')).toBe('9999');
    expect(mock.count('/chat/completions')).toBe(1);
    expect(mock.calls[0]?.body.messages[0].content).toBe('hello world');
    expect(mock.calls[0]?.headers.authorization).toBe('Bearer sk-test');
  });

  it('joins text parts and honours x-mock-usage', async () => {
    const res = await client.chat.completions.create(
      {
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] }],
      },
      {
        headers: {
          'x-mock-usage': JSON.stringify({ prompt_tokens: 1000, completion_tokens: 500, cached_tokens: 200, reasoning_tokens: 100 }),
        },
      },
    );
    expect(res.choices[0]?.message.content).toBe('Echo: ab');
    expect(res.usage).toMatchObject({
      prompt_tokens: 1000,
      completion_tokens: 500,
      total_tokens: 1500,
      prompt_tokens_details: { cached_tokens: 200 },
      completion_tokens_details: { reasoning_tokens: 100 },
    });
  });

  it('streams with include_usage: framing, usage chunk, reassembled content', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'stream me please' }],
    });
    let text = '';
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) {
      chunks.push(chunk);
      text += chunk.choices[0]?.delta.content ?? '';
    }
    expect(text).toBe('Echo: stream me please');
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '', refusal: null });
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
    const last = chunks[chunks.length - 1];
    expect(last?.choices).toEqual([]);
    expect(last?.usage?.completion_tokens).toBe(Math.ceil('Echo: stream me please'.length / 4));
    expect(chunks[chunks.length - 2]?.choices[0]?.finish_reason).toBe('stop');
  });

  it('writes raw SSE exactly as OpenAI frames it', async () => {
    const res = await post('/chat/completions', { model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const raw = await res.text();
    expect(raw.endsWith('data: [DONE]\n\n')).toBe(true);
    const events = raw.split('\n\n').filter(Boolean);
    expect(events.every((e) => e.startsWith('data: ') && !e.includes('\n'))).toBe(true);
    expect(raw).not.toContain('"usage"');
  });

  it('streams a tool call that the SDK reassembles', async () => {
    const runner = client.chat.completions.stream({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'weather in Paris' }],
      tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: {} } } }],
    });
    const final = await runner.finalChatCompletion();
    const choice = final.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(choice?.message.content).toBeNull();
    const call = choice?.message.tool_calls?.[0];
    expect(call?.id).toBe('call_mock_1');
    expect(call?.type).toBe('function');
    if (call?.type !== 'function') throw new Error('expected a function call');
    expect(call.function.name).toBe('lookup');
    expect(call.function.arguments).toBe(JSON.stringify({ query: 'weather in Paris' }));
  });

  it('answers a tool result', async () => {
    const res = await client.chat.completions.create({
      model: 'gpt-4o',
      tools: [{ type: 'function', function: { name: 'lookup' } }],
      messages: [
        { role: 'user', content: 'weather?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_mock_1', type: 'function', function: { name: 'lookup', arguments: '{}' } }],
        },
        { role: 'tool', tool_call_id: 'call_mock_1', content: 'sunny' },
      ],
    });
    expect(res.choices[0]?.message.content).toBe('Tool said: sunny');
    expect(res.choices[0]?.finish_reason).toBe('stop');
  });
});

describe('responses', () => {
  it('answers non-streamed', async () => {
    const res = await client.responses.create({ model: 'gpt-4o', input: 'ping', instructions: 'be brief' });
    expect(res.id).toMatch(/^resp_mock\d+$/);
    expect(res.status).toBe('completed');
    expect(res.output_text).toBe('Echo: ping');
    expect(res.instructions).toBe('be brief');
    // ceil(4/4) + 3 = 4; ceil(10/4) = 3
    expect(res.usage).toMatchObject({ input_tokens: 4, output_tokens: 3, total_tokens: 7 });
  });

  it('streams events in order and completes with usage', async () => {
    const stream = await client.responses.create({
      model: 'gpt-4o',
      stream: true,
      input: [{ role: 'user', content: [{ type: 'input_text', text: 'tell me' }] }],
    });
    const types: string[] = [];
    const seqs: number[] = [];
    let text = '';
    let completed: OpenAI.Responses.Response | undefined;
    for await (const event of stream) {
      types.push(event.type);
      seqs.push(event.sequence_number);
      if (event.type === 'response.output_text.delta') text += event.delta;
      if (event.type === 'response.completed') completed = event.response;
    }
    expect(text).toBe('Echo: tell me');
    expect(types.slice(0, 4)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
    ]);
    expect(types.slice(-4)).toEqual([
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(seqs).toEqual(seqs.map((_, i) => i));
    expect(completed?.usage?.output_tokens).toBe(Math.ceil('Echo: tell me'.length / 4));
  });

  it('is accepted by the SDK stream helper', async () => {
    const final = await client.responses.stream({ model: 'gpt-4o', input: 'helper' }).finalResponse();
    expect(final.output_text).toBe('Echo: helper');
  });
});

describe('embeddings and misc routes', () => {
  it('returns 8 normalized floats via the SDK default (base64)', async () => {
    const res = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['alpha', 'beta'] });
    expect(mock.calls[0]?.body.encoding_format).toBe('base64');
    expect(res.data).toHaveLength(2);
    const vec = res.data[0]?.embedding ?? [];
    expect(vec).toHaveLength(8);
    expect(Math.hypot(...vec)).toBeCloseTo(1, 5);
    expect(res.usage).toEqual({ prompt_tokens: 3, total_tokens: 3 }); // ceil(5/4) + ceil(4/4)

    const floats = (await (await post('/embeddings', { model: 'text-embedding-3-small', input: 'alpha' })).json()) as any;
    expect(floats.data[0].embedding).toEqual(vec);
  });

  it('lists models, echoes unknown /v1 paths, 404s elsewhere', async () => {
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['gpt-4o', 'gpt-4o-mini', 'text-embedding-3-small']);

    const echo = (await (await post('/files/x?limit=2', { a: 1 })).json()) as any;
    expect(echo).toMatchObject({ object: 'mock.echo', method: 'POST', path: '/v1/files/x', body: { a: 1 } });

    const notFound = await fetch(mock.url.replace(/\/v1$/, '/nope'));
    expect(notFound.status).toBe(404);
    expect(((await notFound.json()) as any).error.code).toBe('unknown_url');
  });

  it('rejects invalid JSON with an OpenAI-shaped 400', async () => {
    const res = await post('/chat/completions', '{nope');
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.type).toBe('invalid_request_error');
    expect(mock.calls[0]?.body).toBe('{nope');
  });

  it('enforces requireKey', async () => {
    const keyed = await startMockUpstream({ requireKey: 'sk-right', quiet: true });
    try {
      const bad = new OpenAI({ baseURL: keyed.url, apiKey: 'sk-wrong-key-1234', maxRetries: 0 });
      const err = await expectApiError(bad.models.list());
      expect(err.status).toBe(401);
      expect(err.code).toBe('invalid_api_key');
      expect(err.message).toContain('Incorrect API key provided');
      const good = new OpenAI({ baseURL: keyed.url, apiKey: 'sk-right', maxRetries: 0 });
      expect((await good.models.list()).data).toHaveLength(3);
    } finally {
      await keyed.close();
    }
  });
});

describe('behaviour models', () => {
  const chat = (model: string, stream = false) =>
    client.chat.completions.create({ model, stream, messages: [{ role: 'user', content: 'x' }] } as any);

  it('surfaces error models as APIError', async () => {
    const e500 = await expectApiError(chat('mock-error-500'));
    expect(e500.status).toBe(500);
    expect(e500.type).toBe('server_error');

    const e400 = await expectApiError(chat('mock-error-400'));
    expect(e400.status).toBe(400);
    expect(e400.code).toBe('invalid_value');
    expect(e400.param).toBe('temperature');

    const e429 = await expectApiError(client.responses.create({ model: 'mock-error-429', input: 'x' }));
    expect(e429.status).toBe(429);
    expect(e429.code).toBe('rate_limit_exceeded');
    expect(e429.type).toBe('requests');
    expect(e429.headers?.get('retry-after')).toBe('1');
    expect(e429.headers?.get('retry-after-ms')).toBe('1000');
  });

  it('breaks clients with bad JSON, bad SSE and resets', async () => {
    await expect(chat('mock-bad-json')).rejects.toThrow();
    const raw = await (await post('/chat/completions', { model: 'mock-bad-sse', stream: true, messages: [] })).text();
    expect(raw).toContain('data: {not json}\n\n');
    const sdkLog = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      await expect(
        (async () => {
          for await (const _ of (await chat('mock-bad-sse', true)) as any) void _;
        })(),
      ).rejects.toThrow();
    } finally {
      sdkLog.mockRestore();
    }
    const reset = await client.chat.completions.create({
      model: 'mock-reset',
      stream: true,
      messages: [{ role: 'user', content: 'abcdefgh' }],
    });
    let got = '';
    await expect(
      (async () => {
        for await (const c of reset) got += c.choices[0]?.delta.content ?? '';
      })(),
    ).rejects.toThrow();
    expect(got).toBe('Echo: ab');
    expect(mock.aborted).toBe(0);
  });

  it('delays mock-slow by x-mock-delay-ms', async () => {
    const t0 = Date.now();
    const res = await client.chat.completions.create(
      { model: 'mock-slow', messages: [{ role: 'user', content: 'z' }] },
      { headers: { 'x-mock-delay-ms': '150' } },
    );
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    expect(res.choices[0]?.message.content).toBe('Echo: z');
  });

  it('counts a client abort mid-stream', async () => {
    const ac = new AbortController();
    const stream = await client.chat.completions.create(
      { model: 'mock-slow-stream', stream: true, messages: [{ role: 'user', content: 'x' }] },
      { signal: ac.signal },
    );
    let ticks = 0;
    // The SDK's stream iterator ends quietly when its own signal aborts.
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content === 'tick ') ticks++;
      if (ticks === 2) ac.abort();
    }
    await waitFor(() => mock.aborted === 1 && mock.openResponses === 0);
    expect(ticks).toBe(2);
  });

  it('counts clients giving up on stalled requests', async () => {
    await expect(
      client.chat.completions.create(
        { model: 'mock-stall', messages: [{ role: 'user', content: 'x' }] },
        { timeout: 200 },
      ),
    ).rejects.toThrow(/timed out/i);
    await waitFor(() => mock.aborted === 1);

    const ac = new AbortController();
    const stream = await client.chat.completions.create(
      { model: 'mock-stream-stall', stream: true, messages: [{ role: 'user', content: 'abcdefgh' }] },
      { signal: ac.signal },
    );
    let got = '';
    const reading = (async () => {
      for await (const chunk of stream) got += chunk.choices[0]?.delta.content ?? '';
    })();
    await waitFor(() => got === 'Echo: ab');
    ac.abort();
    await reading;
    await waitFor(() => mock.aborted === 2 && mock.openResponses === 0);
  });
});
