import OpenAI from 'openai';
import type { ChatCompletionCreateParamsNonStreaming, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { describe, expect, it } from 'vitest';
import type { CacheEntry, CacheEntryHit, Project, SemanticStatus } from '../../shared/api/dto';
import { useSharedGateway, type TestGateway } from '../support/start-gateway';
import { fetchTrace } from '../support/wire';

let t: TestGateway;
let semantic: OpenAI;
let plain: OpenAI;

useSharedGateway({}, (gw) => {
  t = gw;
  semantic = gw.client({ project: 'support' });
  plain = gw.client({ project: 'plain' });
});

const chats = () => t.mock.count('/chat/completions');
const ask = (content: string, history: ChatCompletionMessageParam[] = []): ChatCompletionCreateParamsNonStreaming =>
  ({ model: 'gpt-4o-mini', messages: [...history, { role: 'user', content }], temperature: 0 });

async function call(c: OpenAI, body: ChatCompletionCreateParamsNonStreaming) {
  const { data, response } = await c.chat.completions.create(body).withResponse();
  const h = response.headers;
  return {
    data, cache: h.get('x-tollgate-cache'), layer: h.get('x-tollgate-cache-layer'), similarity: h.get('x-tollgate-similarity'),
    traceId: h.get('x-tollgate-trace-id'), reason: h.get('x-tollgate-cache-reason'),
  };
}

describe('semantic cache', () => {
  it('is off by default: a paraphrase misses and no embedder is loaded', async () => {
    await call(plain, ask('How do I reset my password?'));
    const again = await call(plain, ask('How can I reset my password?'));
    expect(again.cache).toBe('miss');
    expect(again.layer).toBeNull();
    expect(chats()).toBe(2);
    const status = await t.admin<SemanticStatus>('/admin/v1/semantic');
    expect(status.body).toMatchObject({ workerStarted: false, embedders: [], indexedEntries: 0 });
  });

  it('turns on per project', async () => {
    const r = await t.admin<Project>('/admin/v1/projects', { method: 'POST', body: { slug: 'support', semantic: { enabled: true } } });
    expect(r.status).toBe(201);
    expect(r.body.semantic).toEqual({ enabled: true, strictness: 'balanced', embedder: 'auto', allowModelDownload: false, judge: null });
  });

  it('answers a paraphrased question from the cache, with the similarity and the matched entry in the trace', async () => {
    const first = await call(semantic, ask('How do I reset my password?'));
    expect(first.cache).toBe('miss');
    const second = await call(semantic, ask('How can I reset my password?'));
    expect(second.cache).toBe('hit');
    expect(second.layer).toBe('semantic');
    expect(Number(second.similarity)).toBeGreaterThan(0.8);
    expect(second.data.choices[0]!.message.content).toBe(first.data.choices[0]!.message.content);
    expect(chats()).toBe(1);

    const trace = await fetchTrace(t, second.traceId);
    expect(trace.cache).toBe('hit');
    expect(trace.cacheLayer).toBe('semantic');
    expect(trace.cacheSimilarity).toBeCloseTo(Number(second.similarity), 3);
    expect(trace.cacheMatch?.prompt).toBe('How do I reset my password?');
    expect(trace.cacheMatch?.entryId).toBe(trace.cacheEntryId);
    expect(trace.cacheMatch?.probability).toBeGreaterThanOrEqual(trace.cacheMatch!.threshold);
    const status = await t.admin<SemanticStatus>('/admin/v1/semantic');
    expect(status.body).toMatchObject({ workerStarted: true, embedders: ['use-lite@1'] });
  });

  it('replays a semantic hit as SSE to a streaming client', async () => {
    await call(semantic, ask('How do I update my billing address?'));
    const { data: stream, response } = await semantic.chat.completions
      .create({ ...ask('How can I update my billing address?'), stream: true }).withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(response.headers.get('x-tollgate-cache-layer')).toBe('semantic');
    expect(response.headers.get('x-tollgate-similarity')).toMatch(/^0\.\d{4}$/);
    expect(text.length).toBeGreaterThan(0);
    expect(chats()).toBe(1);
  });

  it.each([
    ['negation', 'Is it safe to eat raw chicken?', 'Is it not safe to eat raw chicken?', /: vetoed: one of them is negated$/],
    ['numbers', 'What is 15% of 200?', 'What is 15% of 300?', /: vetoed: the numbers differ$/],
    ['swapped roles', 'How long is the flight from Paris to London?', 'How long is the flight from London to Paris?', /: vetoed: "from \.\.\. to \.\.\." is swapped$/],
    ['named entities', 'What is the capital of Australia?', 'What is the capital of Austria?', /: verifier 0\.\d{3} < 0\.\d+ needed$/],
  ])('does not answer a trap (%s) from the cache, and says why', async (_kind, cached, trap, why) => {
    await call(semantic, ask(cached));
    const r = await call(semantic, ask(trap));
    expect(r.cache).toBe('miss');
    expect(r.reason).toMatch(/^semantic: nearest cached prompt \(similarity 0\.\d{3}\)/);
    expect(r.reason).toMatch(why);
    expect(chats()).toBe(2);
  });

  it('never crosses conversations: the same last turn after different earlier turns misses', async () => {
    const a: ChatCompletionMessageParam[] = [{ role: 'user', content: 'I use the iOS app.' }, { role: 'assistant', content: 'Noted.' }];
    const b: ChatCompletionMessageParam[] = [{ role: 'user', content: 'I use the web site.' }, { role: 'assistant', content: 'Noted.' }];
    await call(semantic, ask('How do I change my email address?', a));
    expect((await call(semantic, ask('How can I change my email address?', b))).cache).toBe('miss');
    expect((await call(semantic, ask('How can I change my email address?', a))).cache).toBe('hit');
    const system: ChatCompletionMessageParam[] = [{ role: 'system', content: 'Answer in French.' }];
    expect((await call(semantic, ask('How can I change my email address?', [...system, ...a]))).cache).toBe('miss');
    expect(chats()).toBe(3);
  });

  it('tightens an entry reported wrong, so the same paraphrase no longer hits it', async () => {
    await call(semantic, ask('Where can I download my invoices?'));
    const hit = await call(semantic, ask('Where do I download my invoices?'));
    expect(hit.layer).toBe('semantic');
    const trace = await fetchTrace(t, hit.traceId);
    const hits = await t.admin<{ items: CacheEntryHit[] }>(`/admin/v1/cache/entries/${trace.cacheEntryId}/hits`);
    expect(hits.body.items).toEqual([expect.objectContaining({
      traceId: hit.traceId, layer: 'semantic', query: 'Where do I download my invoices?', similarity: trace.cacheSimilarity,
      probability: trace.cacheMatch!.probability, threshold: trace.cacheMatch!.threshold,
    })]);
    const wrong = await t.admin<{ minSimilarity: number }>(`/admin/v1/cache/entries/${trace.cacheEntryId}/wrong`, { method: 'POST', body: {} });
    expect(wrong.status).toBe(200);
    expect(wrong.body.minSimilarity).toBeGreaterThan(Number(hit.similarity));
    expect((await call(semantic, ask('Where do I download my invoices?'))).cache).toBe('miss');
    const missing = await t.admin('/admin/v1/cache/entries/nope/wrong', { method: 'POST', body: {} });
    expect(missing.status).toBe(404);
  });

  it('invalidates everything similar to a text, and shows semantic entries in the cache browser', async () => {
    await call(semantic, ask('How do I cancel my subscription?'));
    const list = await t.admin<{ items: CacheEntry[] }>('/admin/v1/cache/entries?project=support&q=cancel');
    expect(list.body.items.map((e) => e.layer)).toEqual(['semantic']);
    const bad = await t.admin('/admin/v1/cache/invalidate', { method: 'POST', body: { similarTo: 'cancel' } });
    expect(bad.status).toBe(400);
    const dry = await t.admin<{ removed: number }>('/admin/v1/cache/invalidate', {
      method: 'POST', body: { project: 'support', similarTo: 'How can I cancel my subscription?', minSimilarity: 0.85, dryRun: true },
    });
    expect(dry.body.removed).toBe(1);
    const done = await t.admin<{ removed: number }>('/admin/v1/cache/invalidate', {
      method: 'POST', body: { project: 'support', similarTo: 'How can I cancel my subscription?', minSimilarity: 0.85 },
    });
    expect(done.body.removed).toBe(1);
    expect((await call(semantic, ask('How can I cancel my subscription?'))).cache).toBe('miss');
  });

  it('rejects bad semantic settings with a clear error', async () => {
    const r = await t.admin<{ error: { param: string; message: string } }>('/admin/v1/projects/support', { method: 'PATCH', body: { semantic: { strictness: 'very' } } });
    expect(r.status).toBe(400);
    expect(r.body.error.param).toBe('semantic.strictness');
  });

  it('keeps the asking prompt out of the entry\'s hits when the project keeps no bodies', async () => {
    await t.admin('/admin/v1/projects', { method: 'POST', body: { slug: 'private-support', keepBodies: false, semantic: { enabled: true } } });
    const c = t.client({ project: 'private-support' });
    await call(c, ask('How do I reset my password?'));
    const hit = await call(c, ask('How can I reset my password?'));
    expect(hit.layer).toBe('semantic');
    const trace = await fetchTrace(t, hit.traceId);
    const hits = await t.admin<{ items: CacheEntryHit[] }>(`/admin/v1/cache/entries/${trace.cacheEntryId}/hits`);
    expect(hits.body.items).toEqual([expect.objectContaining({ traceId: hit.traceId, layer: 'semantic', query: null })]);
    expect(JSON.stringify(trace)).not.toContain('How can I reset');
  });
});
