import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CacheEntryDetail } from '../../shared/api/dto';
import type { AdminEvent } from '../../shared/api/events';
import { eventually, startTestGateway, type TestGateway } from '../support/start-gateway';
import { fetchTrace } from '../support/wire';

const FIXTURE_MODELS = fileURLToPath(new URL('../fixtures/tiny-bert', import.meta.url));
const TINY = 'transformers:tollgate/tiny-bert';
const ask = (content: string): ChatCompletionCreateParamsNonStreaming => ({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], temperature: 0 });

async function call(t: TestGateway, project: string, content: string) {
  const { data, response } = await t.client({ project }).chat.completions.create(ask(content)).withResponse();
  return { data, cache: response.headers.get('x-tollgate-cache'), layer: response.headers.get('x-tollgate-cache-layer'),
    reason: response.headers.get('x-tollgate-cache-reason'), traceId: response.headers.get('x-tollgate-trace-id') };
}

/** A stand-in for the model hub: serves the fixture under /<org>/<name>/resolve/main/<file>, counting requests. */
function startHub(): Promise<{ server: Server; url: string; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const m = /^\/(.+?)\/resolve\/main\/(.+)$/.exec(req.url ?? '');
    const file = m ? join(FIXTURE_MODELS, m[1]!, m[2]!) : null;
    if (!file || !existsSync(file)) { res.writeHead(404).end(); return; }
    const body = readFileSync(file);
    res.writeHead(200, { 'content-length': body.length }).end(body);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () =>
    resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, requests })));
}

describe('semantic cache embedders', () => {
  let t: TestGateway;
  let hub: Awaited<ReturnType<typeof startHub>>;
  const events: AdminEvent[] = [];
  const emptyModels = mkdtempSync(join(tmpdir(), 'tollgate-no-models-'));

  beforeAll(async () => {
    hub = await startHub();
    t = await startTestGateway({ modelDirs: [FIXTURE_MODELS], modelHost: hub.url });
    t.gateway.events.subscribe((e) => events.push(e));
  });
  afterAll(async () => {
    await t.close();
    hub.server.close();
  });

  it('embeds with a transformers.js model from a local models folder', async () => {
    await t.admin('/admin/v1/projects', { method: 'POST', body: { slug: 'local', semantic: { enabled: true, embedder: TINY } } });
    expect((await call(t, 'local', 'How do I reset my password?')).cache).toBe('miss');
    const hit = await call(t, 'local', 'how do I reset my password');
    expect([hit.cache, hit.layer]).toEqual(['hit', 'semantic']);
    const trace = await fetchTrace(t, hit.traceId);
    expect(trace.cacheMatch?.embedder).toBe('transformers:tollgate/tiny-bert@q8');
    expect(t.mock.count('/chat/completions')).toBe(1);
  });

  it('re-embeds stored prompts in the background when a project switches embedder', async () => {
    await t.admin('/admin/v1/projects', { method: 'POST', body: { slug: 'switch', semantic: { enabled: true, embedder: 'use-lite' } } });
    const first = await call(t, 'switch', 'Where can I find my invoices?');
    const trace = await fetchTrace(t, first.traceId);
    const entryPath = `/admin/v1/cache/entries/${trace.cacheEntryId}`;
    const before = await t.admin<CacheEntryDetail>(entryPath);
    expect(before.body.semantic?.embedder).toBe('use-lite@1');
    await t.admin('/admin/v1/projects/switch', { method: 'PATCH', body: { semantic: { embedder: TINY } } });
    await eventually(async () => (await t.admin<CacheEntryDetail>(entryPath)).body.semantic?.embedder === 'transformers:tollgate/tiny-bert@q8', 15_000);
    const hit = await call(t, 'switch', 'where can I find my invoices');
    expect(hit.layer).toBe('semantic');
    expect((await fetchTrace(t, hit.traceId)).cacheMatch?.embedder).toBe('transformers:tollgate/tiny-bert@q8');
  });

  it('downloads a missing model once when the project allows it, with progress events', async () => {
    const g = await startTestGateway({ modelDirs: [emptyModels], modelHost: hub.url });
    const seen: AdminEvent[] = [];
    g.gateway.events.subscribe((e) => seen.push(e));
    try {
      await g.admin('/admin/v1/projects', { method: 'POST', body: { slug: 'refuse', semantic: { enabled: true, embedder: TINY } } });
      const refused = await call(g, 'refuse', 'How do I reset my password?');
      expect(refused.cache).toBe('miss');
      expect(refused.reason).toMatch(/semantic layer unavailable: Model tollgate\/tiny-bert is not in .*allow the download/);
      expect(hub.requests).toEqual([]);

      await g.admin('/admin/v1/projects', { method: 'POST', body: { slug: 'fetch', semantic: { enabled: true, embedder: TINY, allowModelDownload: true } } });
      await eventually(async () => seen.some((e) => e.type === 'embedder' && e.action === 'ready'), 15_000);
      expect(hub.requests.some((u) => u.endsWith('/onnx/model_quantized.onnx'))).toBe(true);
      const progress = seen.filter((e) => e.type === 'embedder' && e.action === 'progress');
      expect(progress.some((e) => e.type === 'embedder' && e.action === 'progress' && e.file === 'onnx/model_quantized.onnx' && e.status === 'done')).toBe(true);
      expect(existsSync(join(g.dataDir, 'models', 'tollgate', 'tiny-bert', 'onnx', 'model_quantized.onnx'))).toBe(true);
      await call(g, 'fetch', 'How do I reset my password?');
      expect((await call(g, 'fetch', 'how do I reset my password')).layer).toBe('semantic');
    } finally {
      await g.close();
    }
    expect(events.filter((e) => e.type === 'embedder').length).toBeGreaterThan(0);
  });
});
