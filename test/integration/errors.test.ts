import { connect } from 'node:net';
import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, useSharedGateway, type TestGateway } from '../support/start-gateway';
import { catchApiError, fetchLatestTrace, fetchTrace, postRaw } from '../support/wire';
import { freePort } from '../support/free-port';

let t: TestGateway;
let client: OpenAI;

useSharedGateway({ maxBodyBytes: 1024 }, (gw) => {
  t = gw;
  client = gw.client();
});

const hello = (model = 'gpt-4o-mini') => ({ model, messages: [{ role: 'user' as const, content: 'hello' }] });

/** The gateway still answers a normal request: nothing above left it wedged. */
async function expectStillServing(gw: TestGateway = t) {
  const data = await gw.client().chat.completions.create(hello());
  expect(data.choices[0]!.message.content).toBe('Echo: hello');
}

/** Sends raw bytes to the proxy port and returns everything it answers before closing. */
function sendRawHttp(gw: TestGateway, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(gw.addresses.proxyPort, '127.0.0.1', () => socket.write(bytes));
    let answer = '';
    socket.on('data', (d) => { answer += d.toString(); });
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

describe('client mistakes', () => {
  it('malformed HTTP gets an OpenAI-shaped 400, and header floods a 431', async () => {
    const bad = await sendRawHttp(t, 'POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: nope\r\n\r\n');
    expect(bad).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(bad.slice(bad.indexOf('\r\n\r\n') + 4)).error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_request' });
    const flood = await sendRawHttp(t, `GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(flood).toMatch(/^HTTP\/1\.1 431 /);
    await expectStillServing();
  });

  it('bad JSON is 400 invalid_json', async () => {
    const res = await postRaw(t, '/v1/chat/completions', '{"model": "gpt-4o-mini", "messages": [');
    expect(res.status).toBe(400);
    const body: any = await res.json();
    expect(body.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_json', param: null });
    expect(body.error.message).toContain('not valid JSON');
    expect(res.headers.get('x-tollgate-trace-id')).toMatch(/^tr_/);
    expect(t.mock.count()).toBe(0);
    await expectStillServing();
  });

  it('a missing model is 400 with param model', async () => {
    const err = await catchApiError(client.chat.completions.create({ messages: [{ role: 'user', content: 'x' }] } as any));
    expect(err.status).toBe(400);
    expect(err.type).toBe('invalid_request_error');
    expect(err.param).toBe('model');
    expect(err.message).toContain('model');
  });

  it('empty messages is 400 with param messages', async () => {
    const err = await catchApiError(client.chat.completions.create({ model: 'gpt-4o-mini', messages: [] }));
    expect(err.status).toBe(400);
    expect(err.param).toBe('messages');
    expect(t.mock.count()).toBe(0);
  });

  it('an unknown route is 404 unknown_route', async () => {
    const root = new OpenAI({ baseURL: t.addresses.proxyUrl.replace(/\/v1$/, ''), apiKey: 'x', maxRetries: 0 });
    const err = await catchApiError(root.get('/nope'));
    expect(err.status).toBe(404);
    expect(err.code).toBe('unknown_route');
    expect(err.message).toContain('/v1');
  });

  it('a body over maxBodyBytes is 413 request_too_large', async () => {
    const err = await catchApiError(client.chat.completions.create(hello('gpt-4o-mini'), {
      body: { ...hello(), messages: [{ role: 'user', content: 'x'.repeat(2000) }] },
    }));
    expect(err.status).toBe(413);
    expect(err.code).toBe('request_too_large');
    expect(err.message).toContain('1024');
    expect(t.mock.count()).toBe(0);
    await expectStillServing();
  });

  it('a chunked body over the limit is 413 too', async () => {
    const big = JSON.stringify({ ...hello(), messages: [{ role: 'user', content: 'y'.repeat(4000) }] });
    const body = new ReadableStream<Uint8Array>({
      start(c) { c.enqueue(new TextEncoder().encode(big)); c.close(); },
    });
    const res = await fetch(`${t.addresses.proxyUrl}/chat/completions`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body, duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(((await res.json()) as any).error.code).toBe('request_too_large');
    await expectStillServing();
  });
});

describe('upstream failures', () => {
  it('upstream 500 is 502 with the provider message inside', async () => {
    const { response } = await client.chat.completions.create(hello('mock-error-500')).withResponse().catch((e: APIError) => ({ response: e }));
    const err = response as APIError;
    expect(err).toBeInstanceOf(APIError);
    expect(err.status).toBe(502);
    expect(err.type).toBe('upstream_error');
    expect(err.message).toContain('The server had an error while processing your request');
    const trace = await fetchTrace(t, err.headers?.get('x-tollgate-trace-id') ?? null);
    expect(trace.status).toBe(502);
    expect(trace.error).toContain('The server had an error');
    await expectStillServing();
  });

  it('upstream 400 keeps its status, param and code, prefixed with the provider', async () => {
    const err = await catchApiError(client.chat.completions.create(hello('mock-error-400')));
    expect(err.status).toBe(400);
    expect(err.type).toBe('invalid_request_error');
    expect(err.param).toBe('temperature');
    expect(err.code).toBe('invalid_value');
    expect((err.error as { message: string }).message).toMatch(/^openai error: Invalid value for 'temperature'/);
  });

  it('upstream 429 is 429 with retry-after', async () => {
    const err = await catchApiError(client.chat.completions.create(hello('mock-error-429')));
    expect(err.status).toBe(429);
    expect(err.code).toBe('rate_limit_exceeded');
    expect(err.headers?.get('retry-after')).toBe('1');
    expect(err.message).toContain('Rate limit reached');
  });

  it('an upstream error on a streamed request is a plain JSON error, not a broken stream', async () => {
    const err = await catchApiError(client.chat.completions.create({ ...hello('mock-error-500'), stream: true }));
    expect(err.status).toBe(502);
    expect(err.headers?.get('content-type')).toBe('application/json');
    expect(err.message).toContain('The server had an error');
  });

  it('a non-JSON upstream answer is 502', async () => {
    const err = await catchApiError(client.chat.completions.create(hello('mock-bad-json')));
    expect(err.status).toBe(502);
    expect(err.type).toBe('upstream_error');
    expect(err.message).toContain('not valid JSON');
    await expectStillServing();
  });

  it('an upstream that cuts the stream makes the SDK stream throw, and the trace says why', async () => {
    const { data: stream, response } = await client.chat.completions
      .create({ ...hello('mock-reset'), stream: true })
      .withResponse();
    expect(response.status).toBe(200);
    const received: string[] = [];
    const failure = await (async () => {
      for await (const c of stream) received.push(c.choices[0]?.delta.content ?? '');
    })().then(() => null, (e: unknown) => e);
    expect(failure).toBeInstanceOf(APIError);
    expect((failure as APIError).type).toBe('upstream_error');
    expect((failure as APIError).message).toContain('broke off its answer part-way');
    expect(received.join('').length).toBeGreaterThan(0);

    const trace = await fetchTrace(t, response.headers.get('x-tollgate-trace-id'));
    expect(trace.error).toMatch(/^upstream_error: openai broke off its answer part-way/);
    expect(trace.usageEstimated).toBe(true);
    expect(t.logs.filter((l) => l.level === 'error')).toEqual([]);
    await expectStillServing();
  });

  it('an upstream that drops a plain answer half-way is 502, not an internal error', async () => {
    const err = await catchApiError(client.chat.completions.create(hello('mock-reset')));
    expect(err.status).toBe(502);
    expect(err.type).toBe('upstream_error');
    expect(err.message).toContain('part-way');
    expect(t.logs.filter((l) => l.level === 'error')).toEqual([]);
    await expectStillServing();
  });

  it('an upstream that is down is 502 upstream_unavailable', async () => {
    const port = await freePort();
    const down = await startTestGateway({ openai: { baseUrl: `http://127.0.0.1:${port}/v1`, apiKey: 'sk-gateway-key-0000000000000000' } });
    try {
      const err = await catchApiError(down.client().chat.completions.create(hello()));
      expect(err.status).toBe(502);
      expect(err.code).toBe('upstream_unavailable');
      expect(err.message).toContain(`127.0.0.1:${port}`);
      const trace = await fetchLatestTrace(down, (tr) => tr.status === 502);
      expect(trace.error).toContain('upstream_unavailable');
      const again = await catchApiError(down.client().embeddings.create({ model: 'text-embedding-3-small', input: 'x' }));
      expect(again.status).toBe(502);
    } finally {
      await down.close();
    }
  });
});

describe('upstream timeouts', () => {
  let slow: TestGateway;
  beforeAll(async () => { slow = await startTestGateway({ upstreamHeadersTimeoutMs: 500, upstreamBodyTimeoutMs: 500 }); });
  afterAll(() => slow.close());

  it('an upstream that does not answer in time is 504 upstream_timeout', async () => {
    const err = await catchApiError(slow.client().chat.completions.create(hello('mock-stall')));
    expect(err.status).toBe(504);
    expect(err.code).toBe('upstream_timeout');
    await expectStillServing(slow);
  });

  it('an upstream that goes silent mid-answer is 504 upstream_timeout', async () => {
    const err = await catchApiError(slow.client().chat.completions.create(hello('mock-stream-stall')));
    expect(err.status).toBe(504);
    expect(err.code).toBe('upstream_timeout');
    expect(err.message).toContain('did not answer in time');
    await expectStillServing(slow);
  });
});

describe('after all that', () => {
  it('every error body is OpenAI-shaped and the gateway still serves', async () => {
    const res = await postRaw(t, '/v1/embeddings', '[]');
    expect(res.status).toBe(400);
    const body: any = await res.json();
    expect(Object.keys(body)).toEqual(['error']);
    expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
    await expectStillServing();
  });
});
