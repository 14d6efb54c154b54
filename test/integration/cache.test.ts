import OpenAI from 'openai';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import { describe, expect, it } from 'vitest';
import { useSharedGateway, type TestGateway } from '../support/start-gateway';
import { catchApiError, fetchLatestTrace, fetchTrace, postRaw } from '../support/wire';

let t: TestGateway;
let client: OpenAI;
let clock = Date.now();

useSharedGateway({ now: () => clock }, (gw) => {
  t = gw;
  client = gw.client();
});

const chats = () => t.mock.count('/chat/completions');
const ask = (content: string, extra: Partial<ChatCompletionCreateParamsNonStreaming> = {}): ChatCompletionCreateParamsNonStreaming =>
  ({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], temperature: 0, ...extra });

async function call(c: OpenAI, body: ChatCompletionCreateParamsNonStreaming, headers: Record<string, string> = {}) {
  const { data, response } = await c.chat.completions.create(body, { headers }).withResponse();
  return { data, headers: response.headers, cache: response.headers.get('x-tollgate-cache') };
}

async function streamed(body: ChatCompletionCreateParamsNonStreaming, includeUsage: boolean) {
  const { data: stream, response } = await client.chat.completions
    .create({ ...body, stream: true, ...(includeUsage ? { stream_options: { include_usage: true } } : {}) })
    .withResponse();
  const chunks: ChatCompletionChunk[] = [];
  for await (const c of stream) chunks.push(c);
  return { chunks, headers: response.headers, text: chunks.map((c) => c.choices[0]?.delta.content ?? '').join('') };
}

describe('exact cache', () => {
  it('answers an identical deterministic call from the cache without calling upstream', async () => {
    const first = await call(client, ask('cache me'));
    expect(first.cache).toBe('miss');
    expect(chats()).toBe(1);

    const second = await call(client, ask('cache me'));
    expect(second.cache).toBe('hit');
    expect(second.headers.get('x-tollgate-cache-layer')).toBe('exact');
    expect(second.data).toEqual(first.data);
    expect(chats()).toBe(1);
  });

  it('is not split by field order, user, metadata or stream', async () => {
    const reordered = '{"temperature":0,"messages":[{"content":"order me","role":"user"}],"model":"gpt-4o-mini"}';
    const plain = '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"order me"}],"temperature":0}';
    expect((await postRaw(t, '/v1/chat/completions', plain)).headers.get('x-tollgate-cache')).toBe('miss');
    expect((await postRaw(t, '/v1/chat/completions', reordered)).headers.get('x-tollgate-cache')).toBe('hit');
    const withExtras = await call(client, ask('order me', { user: 'someone', metadata: { run: '7' }, store: false, stream: false }));
    expect(withExtras.cache).toBe('hit');
    expect(chats()).toBe(1);
  });

  it('never caches a sampled request', async () => {
    const a = await call(client, ask('sampled', { temperature: 0.8 }));
    const b = await call(client, ask('sampled', { temperature: 0.8 }));
    expect([a.cache, b.cache]).toEqual(['bypass', 'bypass']);
    expect(a.headers.get('x-tollgate-cache-reason')).toContain('temperature 0.8');
    expect(chats()).toBe(2);
  });

  it('does split on a field that changes the answer', async () => {
    await call(client, ask('split me'));
    expect((await call(client, ask('split me', { max_tokens: 5 }))).cache).toBe('miss');
    expect((await call(client, ask('split me', { model: 'gpt-4o' }))).cache).toBe('miss');
    expect(chats()).toBe(3);
  });
});

describe('streamed replay', () => {
  it.each([false, true])('replays a cached answer as SSE the SDK parses (include_usage %s)', async (includeUsage) => {
    const prompt = `replay ${includeUsage}`;
    const original = await call(client, ask(prompt));
    const replay = await streamed(ask(prompt), includeUsage);

    expect(replay.headers.get('x-tollgate-cache')).toBe('hit');
    expect(replay.headers.get('content-type')).toContain('text/event-stream');
    expect(chats()).toBe(1);
    expect(replay.text).toBe(original.data.choices[0]!.message.content);
    const finish = replay.chunks.flatMap((c) => c.choices.map((ch) => ch.finish_reason)).filter(Boolean);
    expect(finish).toEqual([original.data.choices[0]!.finish_reason]);
    expect(replay.chunks.every((c) => c.id === original.data.id)).toBe(true);
    const usageChunks = replay.chunks.filter((c) => c.choices.length === 0);
    if (includeUsage) {
      expect(usageChunks).toHaveLength(1);
      expect(usageChunks[0]!.usage).toEqual(original.data.usage);
    } else {
      expect(usageChunks).toHaveLength(0);
    }
  });

  it('replays a tool call the SDK reassembles', async () => {
    const tools = [{ type: 'function' as const, function: { name: 'lookup', parameters: { type: 'object', properties: {} } } }];
    const original = await call(client, ask('tool replay', { tools }));
    const runner = client.chat.completions.stream({ ...ask('tool replay', { tools }), stream: true });
    const final = await runner.finalChatCompletion();
    expect(chats()).toBe(1);
    expect(final.choices[0]!.message.tool_calls).toEqual(original.data.choices[0]!.message.tool_calls);
    expect(final.choices[0]!.finish_reason).toBe('tool_calls');
  });

  it('stores a streamed answer and serves it to a plain request', async () => {
    const first = await streamed(ask('streamed first'), false);
    expect(first.headers.get('x-tollgate-cache')).toBe('miss');
    const second = await call(client, ask('streamed first'));
    expect(second.cache).toBe('hit');
    expect(chats()).toBe(1);
    const answer: ChatCompletion = second.data;
    expect(answer.choices[0]!.message.content).toBe(first.text);
    expect(answer.choices[0]!.finish_reason).toBe('stop');
    expect(answer.usage!.completion_tokens).toBeGreaterThan(0);
  });

  it('does not store a stream the upstream cut off', async () => {
    for (let i = 0; i < 2; i++) {
      await expect(streamed(ask('cut', { model: 'mock-reset' }), false)).rejects.toThrow();
    }
    expect(chats()).toBe(2);
    const trace = await fetchLatestTrace(t, (tr) => tr.modelRequested === 'mock-reset');
    expect(trace.cache).toBe('miss');
    expect((await t.admin<{ items: unknown[] }>('/admin/v1/cache/entries?q=cut')).body.items).toHaveLength(0);
  });
});

describe('per-request directives', () => {
  it('cache-control: no-store neither reads nor writes', async () => {
    await call(client, ask('no store'));
    const skipped = await call(client, ask('no store'), { 'cache-control': 'no-store' });
    expect(skipped.cache).toBe('bypass');
    expect(chats()).toBe(2);
    expect(t.mock.calls[1]!.headers['cache-control']).toBeUndefined();

    await call(client, ask('never stored'), { 'cache-control': 'no-store' });
    expect((await call(client, ask('never stored'))).cache).toBe('miss');
  });

  it('x-tollgate-cache: bypass calls upstream even when cached', async () => {
    const first = await call(client, ask('bypass me'));
    const bypassed = await call(client, ask('bypass me'), { 'x-tollgate-cache': 'bypass' });
    expect(bypassed.cache).toBe('bypass');
    expect(bypassed.data.id).not.toBe(first.data.id);
    expect(chats()).toBe(2);
    expect(t.mock.calls[1]!.headers['x-tollgate-cache']).toBeUndefined();
    expect((await call(client, ask('bypass me'))).data.id).toBe(first.data.id);
  });

  it('x-tollgate-cache: refresh calls upstream and replaces the entry', async () => {
    const first = await call(client, ask('refresh me'));
    const refreshed = await call(client, ask('refresh me'), { 'x-tollgate-cache': 'refresh' });
    expect(refreshed.cache).toBe('miss');
    expect(refreshed.data.id).not.toBe(first.data.id);
    const after = await call(client, ask('refresh me'));
    expect(after.cache).toBe('hit');
    expect(after.data.id).toBe(refreshed.data.id);
    expect(chats()).toBe(2);
  });

  it('x-tollgate-cache: only answers hits and refuses misses with 404 cache_miss', async () => {
    const err = await catchApiError(call(client, ask('only me'), { 'x-tollgate-cache': 'only' }));
    expect(err.status).toBe(404);
    expect(err.code).toBe('cache_miss');
    expect(chats()).toBe(0);

    await call(client, ask('only me'));
    const hit = await call(client, ask('only me'), { 'x-tollgate-cache': 'only' });
    expect(hit.cache).toBe('hit');
    expect(chats()).toBe(1);

    const sampled = await catchApiError(call(client, ask('only me', { temperature: 1 }), { 'x-tollgate-cache': 'only' }));
    expect(sampled.status).toBe(404);
    expect(chats()).toBe(1);
  });

  it('rejects an unknown directive', async () => {
    const err = await catchApiError(call(client, ask('bad directive'), { 'x-tollgate-cache': 'sometimes' }));
    expect(err.status).toBe(400);
    expect(chats()).toBe(0);
  });

  it('x-tollgate-cache-ttl expires the entry on the gateway clock', async () => {
    await call(client, ask('short lived'), { 'x-tollgate-cache-ttl': '1' });
    clock += 900;
    expect((await call(client, ask('short lived'))).cache).toBe('hit');
    clock += 200;
    expect((await call(client, ask('short lived'))).cache).toBe('miss');
    expect(chats()).toBe(2);
  });
});

describe('projects', () => {
  it('policy off ignores the cache, always caches sampled requests', async () => {
    const proj = t.client({ project: 'pol' });
    await call(proj, ask('policy'));
    expect((await call(proj, ask('policy'))).cache).toBe('hit');

    const off = await t.admin('/admin/v1/projects/pol', { method: 'PATCH', body: { cachePolicy: 'off' } });
    expect(off.status).toBe(200);
    expect((off.body as { cachePolicy: string }).cachePolicy).toBe('off');
    const offAnswer = await call(proj, ask('policy'));
    expect(offAnswer.cache).toBe('off');
    expect(chats()).toBe(2);

    await t.admin('/admin/v1/projects/pol', { method: 'PATCH', body: { cachePolicy: 'always' } });
    const a = await call(proj, ask('sampled always', { temperature: 0.8 }));
    const b = await call(proj, ask('sampled always', { temperature: 0.8 }));
    expect([a.cache, b.cache]).toEqual(['miss', 'hit']);
    expect(chats()).toBe(3);
  });

  it('pausing caching (the desktop tray) turns every lookup off until resumed', async () => {
    await call(client, ask('pause me'));
    t.gateway.setCachingPaused(true);
    try {
      const paused = await call(client, ask('pause me'));
      expect(paused.cache).toBe('off');
      expect(paused.headers.get('x-tollgate-cache-reason')).toBe('caching is paused');
      expect(chats()).toBe(2);
    } finally {
      t.gateway.setCachingPaused(false);
    }
    expect((await call(client, ask('pause me'))).cache).toBe('hit');
    expect(chats()).toBe(2);
  });

  it('keeps each /p/<slug>/v1 namespace apart', async () => {
    const a = t.client({ project: 'iso-a' });
    const b = t.client({ project: 'iso-b' });
    await call(a, ask('isolated'));
    expect((await call(a, ask('isolated'))).cache).toBe('hit');
    const other = await call(b, ask('isolated'));
    expect(other.cache).toBe('miss');
    expect(other.headers.get('x-tollgate-project')).toBe('iso-b');
    expect((await call(client, ask('isolated'))).cache).toBe('miss');
    expect(chats()).toBe(3);
  });

  it('records a hit at $0 with the original cost as savings', async () => {
    const usage = { 'x-mock-usage': JSON.stringify({ prompt_tokens: 2000, completion_tokens: 300 }) };
    const miss = await call(client, ask('priced hit'), usage);
    const hit = await call(client, ask('priced hit'), usage);
    const cost = (2000 * 0.15 + 300 * 0.6) / 1e6;
    expect(Number(miss.headers.get('x-tollgate-cost-usd'))).toBeCloseTo(cost, 12);
    expect(hit.headers.get('x-tollgate-cost-usd')).toBe('0');
    expect(Number(hit.headers.get('x-tollgate-saved-usd'))).toBeCloseTo(cost, 12);

    const missTrace = await fetchTrace(t, miss.headers.get('x-tollgate-trace-id'));
    const hitTrace = await fetchTrace(t, hit.headers.get('x-tollgate-trace-id'));
    expect(missTrace.costUsd).toBeCloseTo(cost, 12);
    expect(hitTrace).toMatchObject({ cache: 'hit', cacheLayer: 'exact', costUsd: 0, provider: null });
    expect(hitTrace.savedUsd).toBe(missTrace.costUsd);
  });
});
