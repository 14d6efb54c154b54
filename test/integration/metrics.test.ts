import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { useSharedGateway, type TestGateway } from '../support/start-gateway';
import { catchApiError } from '../support/wire';

let t: TestGateway;
useSharedGateway({}, (gw) => { t = gw; });

async function scrape(token: string | null = t.gateway.adminToken) {
  const res = await fetch(`${t.addresses.adminUrl}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

/** The value of one sample line: name{labels} value (labels matched as a subset, in any order). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/([a-z_]+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return undefined;
}

const promLoaded = () => Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('/prom-client/'));

describe('GET /metrics on the admin port', () => {
  it('needs the admin token, and is not on the proxy port', async () => {
    expect((await scrape(null)).status).toBe(401);
    expect((await scrape('wrong-token')).status).toBe(401);
    const viaProxy = await fetch(`${t.addresses.proxyUrl.replace(/\/v1$/, '')}/metrics`, { headers: { authorization: `Bearer ${t.gateway.adminToken}` } });
    expect(viaProxy.status).toBe(404);
    expect(promLoaded()).toBe(false); // refused scrapes do not load prom-client either
  });

  it('counts requests, cache hits per layer, tokens, cost and savings, errors, stage latencies and budget remaining', async () => {
    const client = t.client();
    const ask = { model: 'gpt-4o-mini', temperature: 0, messages: [{ role: 'user' as const, content: 'count me' }] };
    await client.chat.completions.create(ask);
    await client.chat.completions.create(ask); // exact hit
    const stream = await client.chat.completions.create({ ...ask, temperature: 0.5, stream: true });
    for await (const chunk of stream) void chunk;
    expect((await catchApiError(client.chat.completions.create({ ...ask, model: 'mock-error-500' }))).status).toBe(502);
    expect((await t.admin('/admin/v1/projects/default', { method: 'PATCH', body: { budget: { dailyUsd: 5 } } })).status).toBe(200);

    const { status, type, text } = await scrape();
    expect(status).toBe(200);
    expect(type).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(promLoaded()).toBe(true);
    expect(text).toContain('# TYPE tollgate_requests_total counter');
    expect(sample(text, 'tollgate_requests_total', { project: 'default', model: 'gpt-4o-mini', endpoint: 'chat.completions', status: '200', cache: 'miss' })).toBe(1);
    expect(sample(text, 'tollgate_requests_total', { model: 'gpt-4o-mini', cache: 'hit' })).toBe(1);
    expect(sample(text, 'tollgate_requests_total', { model: 'gpt-4o-mini', cache: 'bypass' })).toBe(1);
    expect(sample(text, 'tollgate_requests_total', { model: 'mock-error-500', status: '502' })).toBe(1);
    expect(sample(text, 'tollgate_cache_lookups_total', { project: 'default', result: 'hit', layer: 'exact' })).toBe(1);
    expect(sample(text, 'tollgate_cache_lookups_total', { project: 'default', result: 'miss', layer: 'none' })).toBe(2); // gpt-4o-mini and mock-error-500
    expect(sample(text, 'tollgate_tokens_total', { project: 'default', model: 'gpt-4o-mini', kind: 'prompt' })).toBeGreaterThan(0);
    expect(sample(text, 'tollgate_tokens_total', { project: 'default', model: 'gpt-4o-mini', kind: 'completion' })).toBeGreaterThan(0);
    const cost = sample(text, 'tollgate_cost_usd_total', { project: 'default', model: 'gpt-4o-mini' })!;
    expect(cost).toBeGreaterThan(0);
    expect(sample(text, 'tollgate_saved_usd_total', { project: 'default', model: 'gpt-4o-mini' })).toBeGreaterThan(0);
    expect(sample(text, 'tollgate_errors_total', { project: 'default', code: 'upstream_error' })).toBe(1);
    expect(sample(text, 'tollgate_upstream_errors_total', { provider: 'openai', code: 'upstream_error' })).toBe(1);
    expect(sample(text, 'tollgate_stage_duration_seconds_count', { stage: 'ingress' })).toBe(4);
    expect(sample(text, 'tollgate_stage_duration_seconds_bucket', { stage: 'dispatch', le: '+Inf' })).toBe(3);
    expect(sample(text, 'tollgate_request_duration_seconds_count', { endpoint: 'chat.completions', stream: 'true', cache: 'bypass' })).toBe(1);
    expect(sample(text, 'tollgate_time_to_first_byte_seconds_count', { endpoint: 'chat.completions', cache: 'bypass' })).toBe(1);
    expect(sample(text, 'tollgate_budget_remaining_usd', { project: 'default', period: 'day' })).toBeCloseTo(5 - cost, 9);
    expect(sample(text, 'tollgate_budget_reserved_usd', { project: 'default' })).toBe(0);
    expect(sample(text, 'tollgate_in_flight_requests')).toBe(0);
    // the PATCH committed the writes of all four requests (an acknowledged admin change is on disk)
    expect(sample(text, 'tollgate_store_commit_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'tollgate_process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('keeps the label sets bounded when clients send endless model names', async () => {
    const client = t.client();
    await Promise.all(Array.from({ length: 30 }, (_, i) => catchApiError(client.chat.completions.create({ model: `mock-error-400-${i}`, messages: [{ role: 'user', content: 'x' }] })).catch(() => null)));
    const { text } = await scrape();
    const series = text.split('\n').filter((l) => l.startsWith('tollgate_requests_total{')).length;
    expect(series).toBeGreaterThan(30);
    expect(series).toBeLessThanOrEqual(2000);
  });
});
