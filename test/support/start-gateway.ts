import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { createGateway, type Gateway, type GatewayAddresses, type GatewayOptions } from '../../electron/gateway/index';
import { startMockUpstream, type MockUpstream } from './mock-upstream';

export interface TestGateway {
  gateway: Gateway;
  addresses: GatewayAddresses;
  mock: MockUpstream;
  dataDir: string;
  logs: Array<Record<string, unknown>>;
  /** an SDK client pointed at the gateway (the project prefix is optional) */
  client(opts?: { project?: string; apiKey?: string; maxRetries?: number; headers?: Record<string, string> }): OpenAI;
  admin<T = unknown>(path: string, init?: { method?: string; body?: unknown; token?: string | null }): Promise<{ status: number; body: T; headers: Headers }>;
  close(): Promise<void>;
}

/** The real gateway on free loopback ports, in a temp data dir, in front of the mock upstream. */
export async function startTestGateway(options: Partial<GatewayOptions> = {}): Promise<TestGateway> {
  const mock = await startMockUpstream({ quiet: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-test-'));
  const logs: Array<Record<string, unknown>> = [];
  const gateway = createGateway({
    dataDir, proxyPort: 0, adminPort: 0, env: {}, log: (l) => logs.push(l),
    openai: { baseUrl: mock.url, apiKey: 'sk-gateway-key-0000000000000000' },
    ...options,
  });
  const addresses = await gateway.start();
  return {
    gateway, addresses, mock, dataDir, logs,
    client(opts = {}) {
      const base = opts.project ? addresses.proxyUrl.replace('/v1', `/p/${opts.project}/v1`) : addresses.proxyUrl;
      return new OpenAI({ baseURL: base, apiKey: opts.apiKey ?? 'tollgate', maxRetries: opts.maxRetries ?? 0, defaultHeaders: opts.headers });
    },
    async admin<T>(path: string, init: { method?: string; body?: unknown; token?: string | null } = {}) {
      const token = init.token === undefined ? gateway.adminToken : init.token;
      const res = await fetch(addresses.adminUrl + path, {
        method: init.method ?? 'GET',
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
      });
      const text = await res.text();
      let body: unknown = text;
      try { body = JSON.parse(text); } catch { /* not JSON */ }
      return { status: res.status, body: body as T, headers: res.headers };
    },
    async close() {
      await gateway.stop();
      await mock.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls until fn returns a truthy value (traces are written in batches a few ms after the answer). */
export async function eventually<T>(fn: () => Promise<T | undefined | null | false>, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * One gateway shared by a test file: started before its tests, closed after them, and the mock's call
 * record cleared before each test. `onReady` receives it (assign it to the file's variables there).
 */
export function useSharedGateway(options: Partial<GatewayOptions>, onReady: (t: TestGateway) => void): void {
  let gw: TestGateway | undefined;
  beforeAll(async () => {
    gw = await startTestGateway(options);
    onReady(gw);
  });
  afterAll(() => gw?.close());
  beforeEach(() => gw?.mock.reset());
}
