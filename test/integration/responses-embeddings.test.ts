import type OpenAI from 'openai';
import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import { describe, expect, it } from 'vitest';
import { mockEmbedding } from '../support/mock-upstream';
import { useSharedGateway, type TestGateway } from '../support/start-gateway';
import { fetchLatestTrace, fetchTrace } from '../support/wire';

let t: TestGateway;
let client: OpenAI;

useSharedGateway({}, (gw) => {
  t = gw;
  client = gw.client();
});

const lastCall = () => t.mock.calls[t.mock.calls.length - 1]!;

describe('responses', () => {
  it('answers a plain request with output text and usage', async () => {
    const { data, response } = await client.responses
      .create(
        { model: 'gpt-4o-mini', input: 'tell me a joke' },
        { headers: { 'x-mock-usage': JSON.stringify({ input_tokens: 100, output_tokens: 20 }) } },
      )
      .withResponse();
    expect(data.object).toBe('response');
    expect(data.status).toBe('completed');
    expect(data.output_text).toBe('Echo: tell me a joke');
    expect(data.usage).toMatchObject({ input_tokens: 100, output_tokens: 20, total_tokens: 120 });
    expect(lastCall().path).toBe('/v1/responses');
    expect(lastCall().body).toEqual({ model: 'gpt-4o-mini', input: 'tell me a joke' });

    const trace = await fetchTrace(t, response.headers.get('x-tollgate-trace-id'));
    expect(trace).toMatchObject({ endpoint: 'responses', status: 200, promptTokens: 100, completionTokens: 20 });
    expect(trace.costUsd).toBeCloseTo((100 * 0.15 + 20 * 0.6) / 1e6, 12);
  });

  it('streams events, ending with response.completed that carries usage', async () => {
    const { data: stream, response } = await client.responses
      .create({ model: 'gpt-4o-mini', input: 'stream a joke', stream: true })
      .withResponse();
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const events: ResponseStreamEvent[] = [];
    for await (const e of stream) events.push(e);

    const types = events.map((e) => e.type);
    expect(types[0]).toBe('response.created');
    expect(types.at(-1)).toBe('response.completed');
    const deltas = events.flatMap((e) => (e.type === 'response.output_text.delta' ? [e.delta] : []));
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe('Echo: stream a joke');
    const done = events.at(-1)!;
    if (done.type !== 'response.completed') throw new Error('no response.completed');
    expect(done.response.usage!.input_tokens).toBeGreaterThan(0);
    expect(done.response.usage!.output_tokens).toBeGreaterThan(0);
    // the Responses API always reports usage: nothing is added to the body
    expect(lastCall().body).toEqual({ model: 'gpt-4o-mini', input: 'stream a joke', stream: true });

    const trace = await fetchTrace(t, response.headers.get('x-tollgate-trace-id'));
    expect(trace).toMatchObject({
      endpoint: 'responses', stream: true, status: 200, usageEstimated: false,
      promptTokens: done.response.usage!.input_tokens, completionTokens: done.response.usage!.output_tokens,
    });
    expect(trace.streamedText).toBe('Echo: stream a joke');
  });

  it('works through the SDK stream helper', async () => {
    const runner = client.responses.stream({ model: 'gpt-4o-mini', input: [{ role: 'user', content: 'helper' }] });
    const final = await runner.finalResponse();
    expect(final.output_text).toBe('Echo: helper');
    expect(final.usage!.total_tokens).toBeGreaterThan(0);
  });
});

describe('caching', () => {
  it('replays a cached response as the Responses event stream', async () => {
    const body = { model: 'gpt-4o-mini', input: 'cached response', temperature: 0 };
    const { data: original, response: first } = await client.responses.create(body).withResponse();
    expect(first.headers.get('x-tollgate-cache')).toBe('miss');
    const { data: stream, response } = await client.responses.create({ ...body, stream: true }).withResponse();
    const events: ResponseStreamEvent[] = [];
    for await (const e of stream) events.push(e);

    expect(response.headers.get('x-tollgate-cache')).toBe('hit');
    expect(t.mock.count('/responses')).toBe(1);
    expect(events.flatMap((e) => (e.type === 'response.output_text.delta' ? [e.delta] : [])).join('')).toBe(original.output_text);
    const done = events.at(-1)!;
    if (done.type !== 'response.completed') throw new Error('no response.completed');
    expect(done.response.id).toBe(original.id);
    expect(done.response.usage).toEqual(original.usage);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
  });

  it('answers a repeated embeddings call from the cache', async () => {
    const first = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'embed once' }).withResponse();
    const second = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'embed once' }).withResponse();
    expect(first.response.headers.get('x-tollgate-cache')).toBe('miss');
    expect(second.response.headers.get('x-tollgate-cache')).toBe('hit');
    expect(second.data.data[0]!.embedding).toEqual(mockEmbedding('embed once'));
    expect(t.mock.count('/embeddings')).toBe(1);
  });
});

describe('embeddings', () => {
  it('returns the upstream vectors through the SDK default base64 encoding', async () => {
    const inputs = ['first text', 'second text'];
    const { data, response } = await client.embeddings
      .create({ model: 'text-embedding-3-small', input: inputs })
      .withResponse();
    expect(lastCall().body.encoding_format).toBe('base64');
    expect(data.data).toHaveLength(2);
    expect(data.data[0]!.embedding).toEqual(mockEmbedding('first text'));
    expect(data.data[1]!.embedding).toEqual(mockEmbedding('second text'));
    expect(data.usage.prompt_tokens).toBeGreaterThan(0);

    const trace = await fetchTrace(t, response.headers.get('x-tollgate-trace-id'));
    expect(trace).toMatchObject({ endpoint: 'embeddings', status: 200, promptTokens: data.usage.prompt_tokens, completionTokens: 0 });
    expect(trace.costUsd).toBeCloseTo((data.usage.prompt_tokens * 0.02) / 1e6, 12);
  });

  it('returns float vectors when asked for floats', async () => {
    const data = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'floaty', encoding_format: 'float' });
    expect(data.data[0]!.embedding).toEqual(mockEmbedding('floaty'));
  });
});

describe('models and passthrough', () => {
  it('lists models from the upstream', async () => {
    const ids: string[] = [];
    for await (const m of client.models.list()) ids.push(m.id);
    expect(ids).toEqual(['gpt-4o', 'gpt-4o-mini', 'text-embedding-3-small']);
    expect(lastCall()).toMatchObject({ method: 'GET', path: '/v1/models' });
    const trace = await fetchLatestTrace(t, (tr) => tr.endpoint === 'models');
    expect(trace.status).toBe(200);
  });

  it('passes any other /v1 path through untouched, and traces it', async () => {
    const res = await fetch(`${t.addresses.proxyUrl}/files?x=1&purpose=fine-tune`, {
      headers: { authorization: 'Bearer tollgate', 'x-custom': 'kept' },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ object: 'mock.echo', method: 'GET', path: '/v1/files', query: '?x=1&purpose=fine-tune', body: null });
    expect(lastCall().url).toBe('/v1/files?x=1&purpose=fine-tune');
    expect(lastCall().headers['x-custom']).toBe('kept');

    const trace = await fetchTrace(t, res.headers.get('x-tollgate-trace-id'));
    expect(trace).toMatchObject({ endpoint: 'passthrough', method: 'GET', path: '/v1/files', status: 200, cache: 'bypass' });
  });

  it('passes a POST body through byte for byte', async () => {
    const raw = 'line one\n{ not: json }  \u00e9';
    const res = await fetch(`${t.addresses.proxyUrl}/batches`, {
      method: 'POST', headers: { 'content-type': 'text/plain; charset=utf-8' }, body: raw,
    });
    expect(res.status).toBe(200);
    expect(lastCall()).toMatchObject({ method: 'POST', path: '/v1/batches', body: raw });
    expect(lastCall().headers['content-type']).toBe('text/plain; charset=utf-8');
    const trace = await fetchTrace(t, res.headers.get('x-tollgate-trace-id'));
    expect(trace).toMatchObject({ endpoint: 'passthrough', method: 'POST', path: '/v1/batches' });
  });

  it('serves passthrough through the SDK generic client too', async () => {
    const body = await client.get('/files', { query: { x: 1 } });
    expect(body).toMatchObject({ object: 'mock.echo', path: '/v1/files', query: '?x=1' });
  });
});
