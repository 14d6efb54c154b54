import { rmSync } from 'node:fs';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderSettings } from '../../shared/api/dto';
import { startMockUpstream, type MockUpstream } from '../support/mock-upstream';
import { startTestGateway, useSharedGateway, type TestGateway } from '../support/start-gateway';
import { catchApiError, fetchTrace } from '../support/wire';

let t: TestGateway;
let client: OpenAI;
let other: MockUpstream;

useSharedGateway({}, (gw) => {
  t = gw;
  client = gw.client();
});
beforeAll(async () => { other = await startMockUpstream({ quiet: true }); });
afterAll(() => other.close());

const ask = (model: string, content = 'hello') => client.chat.completions.create({ model, messages: [{ role: 'user', content }] }).withResponse();
const put = (id: string, body: unknown) => t.admin<ProviderSettings>(`/admin/v1/providers/${id}`, { method: 'PUT', body });
const last = (m: MockUpstream) => m.calls.at(-1)!;

describe('providers', () => {
  it('a compatible provider addressed as provider/model gets its own model name, base URL and key', async () => {
    const key = 'gsk_GROQKEY0123456789abcdefghij';
    const set = await put('groq', { kind: 'groq', baseUrl: other.url, apiKey: key });
    expect(set).toMatchObject({ status: 200, body: { id: 'groq', kind: 'groq', baseUrl: other.url, hasApiKey: true, keyCount: 1, source: 'admin' } });
    expect(JSON.stringify(set.body)).not.toContain(key);

    const before = other.count('/chat/completions');
    const { data, response } = await ask('groq/llama-3.1-8b-instant');
    expect(data.choices[0]!.message.content).toBe('Echo: hello');
    expect(other.count('/chat/completions')).toBe(before + 1);
    expect(t.mock.count('/chat/completions')).toBe(0);
    expect(last(other).body.model).toBe('llama-3.1-8b-instant');
    expect(last(other).headers.authorization).toBe(`Bearer ${key}`);
    expect(response.headers.get('x-tollgate-provider')).toBe('groq');
    const trace = await fetchTrace(t, response.headers.get('x-tollgate-trace-id'));
    expect(trace).toMatchObject({ provider: 'groq', modelRequested: 'groq/llama-3.1-8b-instant', modelUsed: 'llama-3.1-8b-instant', status: 200 });
    expect(JSON.stringify(trace)).not.toContain(key);
  });

  it('streams through a compatible provider, usage included', async () => {
    const stream = await client.chat.completions.create({ model: 'groq/llama-3.1-8b-instant', messages: [{ role: 'user', content: 'streamy' }], stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toBe('Echo: streamy');
    expect(last(other).body.stream_options).toEqual({ include_usage: true });
  });

  it("never hands a client's own OpenAI key to another provider", async () => {
    const own = t.client({ apiKey: 'sk-client-own-openai-key-000000000000' });
    await own.chat.completions.create({ model: 'groq/llama-3.1-8b-instant', messages: [{ role: 'user', content: 'x' }] });
    expect(last(other).headers.authorization).toBe('Bearer gsk_GROQKEY0123456789abcdefghij');
    await own.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] });
    expect(last(t.mock).headers.authorization).toBe('Bearer sk-client-own-openai-key-000000000000');
    // nor an Anthropic key to OpenAI: the gateway's own OpenAI key is used instead
    await t.client({ apiKey: 'sk-ant-api03-client-anthropic-key-00000' }).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] });
    expect(last(t.mock).headers.authorization).toBe('Bearer sk-gateway-key-0000000000000000');
  });

  it('Azure: deployment path, api-version and the api-key header', async () => {
    const origin = other.url.replace(/\/v1$/, '');
    const set = await put('azure-east', { kind: 'azure', baseUrl: origin, apiKey: 'azure-key-0123456789', apiVersion: '2024-10-21' });
    expect(set.body).toMatchObject({ kind: 'azure', apiVersion: '2024-10-21' });
    const { data } = await ask('azure-east/my-gpt4o-deployment', 'to azure');
    expect(data.choices[0]!.message.content).toBe('Echo: to azure');
    const call = last(other);
    expect(call.url).toBe('/openai/deployments/my-gpt4o-deployment/chat/completions?api-version=2024-10-21');
    expect(call.headers['api-key']).toBe('azure-key-0123456789');
    expect(call.headers.authorization).toBeUndefined();
  });

  it('a local server needs no key, and extra headers are write-only', async () => {
    const set = await put('ollama', { baseUrl: other.url, headers: { 'X-Proxy-Token': 'secret-proxy-token' } });
    expect(set.body).toMatchObject({ kind: 'ollama', hasApiKey: false, headerNames: ['x-proxy-token'] });
    expect(JSON.stringify(set.body)).not.toContain('secret-proxy-token');
    await ask('ollama/llama3.2');
    expect(last(other).headers.authorization).toBeUndefined();
    expect(last(other).headers['x-proxy-token']).toBe('secret-proxy-token');
    const listed = await t.admin<{ items: ProviderSettings[] }>('/admin/v1/providers');
    expect(listed.body.items.map((p) => p.id)).toEqual(['openai', 'groq', 'azure-east', 'ollama']);
    expect(JSON.stringify(listed.body)).not.toMatch(/secret-proxy-token|gsk_GROQKEY|azure-key/);
  });

  it('bare names: a provider that lists the model gets it; unknown names go to OpenAI', async () => {
    await put('mistral', { kind: 'mistral', baseUrl: other.url, apiKey: 'mistral-key-000000', models: ['my-finetune'] });
    await ask('my-finetune');
    expect(last(other)).toMatchObject({ path: '/v1/chat/completions', body: { model: 'my-finetune' } });
    await ask('mistral-large-latest');
    expect(last(other).body.model).toBe('mistral-large-latest');
    await ask('gpt-4o-mini');
    expect(last(t.mock).body.model).toBe('gpt-4o-mini');
  });

  it('an unknown provider prefix is 404 model_not_found naming close models', async () => {
    const before = t.mock.count() + other.count();
    const err = await catchApiError(client.chat.completions.create({ model: 'nope/gpt-4o-mni', messages: [{ role: 'user', content: 'x' }] }));
    expect(err.status).toBe(404);
    expect(err.code).toBe('model_not_found');
    expect(err.param).toBe('model');
    expect(err.message).toContain('"gpt-4o-mini"');
    expect(err.message).toContain('no provider "nope"');
    expect(t.mock.count() + other.count()).toBe(before);
  });

  it('refuses bad provider settings with clear 400s', async () => {
    for (const [body, param] of [
      [{ kind: 'no-such-kind', baseUrl: other.url }, 'kind'],
      [{ kind: 'openai-compatible' }, 'baseUrl'],
      [{ kind: 'groq', apiKeys: ['ok', 3] }, 'apiKeys'],
      [{ kind: 'groq', headers: { a: 1 } }, 'headers'],
      [{ kind: 'groq', models: 'x' }, 'models'],
    ] as const) {
      const r = await put('newone', body);
      expect(r.status).toBe(400);
      expect((r.body as any).error.param).toBe(param);
    }
    const slash = await put('a%2Fb', { kind: 'groq' });
    expect(slash.status).toBe(400);
  });
});

describe('providers from the environment', () => {
  it('TOLLGATE_<PROVIDER>_BASE_URL and the usual key variable set a provider up', async () => {
    const gw = await startTestGateway({ env: { TOLLGATE_GROQ_BASE_URL: other.url, GROQ_API_KEY: 'gsk_FROMENV0000000000000' } });
    try {
      const listed = await gw.admin<{ items: ProviderSettings[] }>('/admin/v1/providers');
      expect(listed.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'groq', baseUrl: other.url, hasApiKey: true, source: 'env' })]));
      await gw.client().chat.completions.create({ model: 'groq/llama-3.3-70b', messages: [{ role: 'user', content: 'x' }] });
      expect(last(other).headers.authorization).toBe('Bearer gsk_FROMENV0000000000000');
    } finally {
      await gw.close();
    }
  });

  it('provider settings survive a restart (keys from the 0600 secrets file)', async () => {
    const gw = await startTestGateway();
    await gw.admin('/admin/v1/providers/together', { method: 'PUT', body: { baseUrl: other.url, apiKey: 'together-key-00000000' } });
    await gw.gateway.stop();
    const { createGateway } = await import('../../electron/gateway/index');
    const again = createGateway({ dataDir: gw.dataDir, proxyPort: 0, adminPort: 0, env: {}, log: () => undefined, openai: { baseUrl: gw.mock.url } });
    const addr = await again.start();
    try {
      const c = new OpenAI({ baseURL: addr.proxyUrl, apiKey: 'x', maxRetries: 0 });
      await c.chat.completions.create({ model: 'together/meta-llama/Llama-3-8b', messages: [{ role: 'user', content: 'x' }] });
      expect(last(other)).toMatchObject({ body: { model: 'meta-llama/Llama-3-8b' } });
      expect(last(other).headers.authorization).toBe('Bearer together-key-00000000');
    } finally {
      await again.stop();
      await gw.mock.close();
      rmSync(gw.dataDir, { recursive: true, force: true });
    }
  });
});

describe('a model the provider does not have', () => {
  it('is 404 model_not_found with the provider message and close names', async () => {
    const strict = await startMockUpstream({ quiet: true, models: ['gpt-4o', 'gpt-4o-mini'] });
    const gw = await startTestGateway({ openai: { baseUrl: strict.url, apiKey: 'sk-gateway-key-0000000000000000' } });
    try {
      const err = await catchApiError(gw.client().chat.completions.create({ model: 'gpt-4o-mnii', messages: [{ role: 'user', content: 'x' }] }));
      expect(err.status).toBe(404);
      expect(err.code).toBe('model_not_found');
      expect(err.param).toBe('model');
      expect(err.message).toContain('does not exist');
      expect(err.message).toContain('Did you mean "gpt-4o-mini"');
      expect(strict.count('/chat/completions')).toBe(1); // a missing model is not retried
    } finally {
      await gw.close();
      await strict.close();
    }
  });
});

describe('removing a provider', () => {
  it('forgets an admin-added provider and its key; the default and env ones stay', async () => {
    const gw = await startTestGateway({ env: { TOLLGATE_GROQ_BASE_URL: other.url } });
    try {
      await gw.admin('/admin/v1/providers/side', { method: 'PUT', body: { kind: 'openai-compatible', baseUrl: other.url, apiKey: 'side-key-000000' } });
      expect((await gw.admin('/admin/v1/providers/side', { method: 'DELETE' })).body).toEqual({ removed: 1 });
      const listed = await gw.admin<{ items: ProviderSettings[] }>('/admin/v1/providers');
      expect(listed.body.items.map((p) => p.id)).toEqual(['openai', 'groq']);
      const err = await catchApiError(gw.client().chat.completions.create({ model: 'side/x', messages: [{ role: 'user', content: 'x' }] }));
      expect(err.status).toBe(404);
      expect((await gw.admin('/admin/v1/providers/side', { method: 'DELETE' })).status).toBe(404);
      expect((await gw.admin('/admin/v1/providers/openai', { method: 'DELETE' })).status).toBe(400);
      expect((await gw.admin('/admin/v1/providers/groq', { method: 'DELETE' })).status).toBe(400);
    } finally {
      await gw.close();
    }
  });
});
