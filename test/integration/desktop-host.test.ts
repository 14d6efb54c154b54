import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Page, Trace } from '../../shared/api/dto';
import { startGatewayHost, type GatewayHost } from '../../electron/main/gateway-host';
import { createSafeStorageSecretStore, type SafeStorageLike } from '../../electron/main/safe-storage-secret-store';
import { startMockUpstream, type MockUpstream } from '../support/mock-upstream';
import { eventually } from '../support/start-gateway';
import { fakeKeychain } from '../support/fake-keychain';

// The desktop shell's gateway host on plain Node: what the app does between `whenReady` and quit, minus the
// window. Provider keys go through the safeStorage store (a fake keychain), as the app wires them.
const KEY = 'sk-desktop-0123456789abcdefghijklmn';

let dataDir: string;
let mock: MockUpstream;
let keychain: SafeStorageLike;
const hosts: GatewayHost[] = [];

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'tollgate-desktop-'));
  mock = await startMockUpstream({ quiet: true, requireKey: KEY });
  keychain = fakeKeychain(randomBytes(32));
});
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.stop();
  await mock.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function startHost(): Promise<GatewayHost> {
  const host = await startGatewayHost({
    dataDir, dashboardDir: join(dataDir, 'no-dashboard'), proxyPort: 0, adminPort: 0,
    secretStore: createSafeStorageSecretStore({
      file: join(dataDir, 'secrets.enc.json'), plaintextFile: join(dataDir, 'secrets.json'), safeStorage: keychain, warn: () => undefined,
    }),
  });
  hosts.push(host);
  return host;
}

async function admin(host: GatewayHost, method: string, path: string, body?: unknown) {
  const res = await fetch(host.addresses.adminUrl + path, {
    method,
    headers: { authorization: `Bearer ${host.gateway.adminToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() as unknown };
}

const client = (host: GatewayHost) => new OpenAI({ baseURL: host.addresses.proxyUrl, apiKey: 'tollgate', maxRetries: 0 });
const ask = (host: GatewayHost, content: string, headers?: Record<string, string>) =>
  client(host).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] }, { headers });

describe('desktop gateway host', () => {
  it('keeps a provider key set in Settings encrypted on disk, and uses it upstream after a restart', async () => {
    const first = await startHost();
    const put = await admin(first, 'PUT', '/admin/v1/providers/openai', { baseUrl: mock.url, apiKey: KEY });
    expect(put.status).toBe(200);
    expect(JSON.stringify(put.body)).not.toContain(KEY);
    expect((await ask(first, 'hello')).choices[0]?.message.content).toBe('Echo: hello');
    await first.stop();

    for (const name of readdirSync(dataDir)) {
      const path = join(dataDir, name);
      if (statSync(path).isFile()) expect(readFileSync(path).includes(KEY), name).toBe(false);
    }
    expect(existsSync(join(dataDir, 'secrets.json'))).toBe(false);
    expect(existsSync(join(dataDir, 'secrets.enc.json'))).toBe(true);

    const second = await startHost();
    expect((await ask(second, 'again')).choices[0]?.message.content).toBe('Echo: again');
    expect(mock.calls.map((c) => c.headers.authorization)).toEqual([`Bearer ${KEY}`, `Bearer ${KEY}`]);
  });

  it('gets a fresh admin token each run and leaves none on disk', async () => {
    const first = await startHost();
    const token = first.gateway.adminToken;
    await first.stop();
    const second = await startHost();
    expect(second.gateway.adminToken).not.toBe(token);
    expect(second.gateway.adminToken.length).toBeGreaterThanOrEqual(32);
    expect(existsSync(join(dataDir, 'admin-token'))).toBe(false);
    const stale = await fetch(`${second.addresses.adminUrl}/admin/v1/health`, { headers: { authorization: `Bearer ${token}` } });
    expect(stale.status).toBe(401);
  });

  it('on quit, lets an in-flight request finish and keeps its trace', async () => {
    const host = await startHost();
    await admin(host, 'PUT', '/admin/v1/providers/openai', { baseUrl: mock.url, apiKey: KEY });
    const slow = ask(host, 'slow one', { 'x-mock-delay-ms': '400' });
    await eventually(async () => mock.openResponses === 1);
    const stopped = host.stop();
    expect(host.stop()).toBe(stopped);
    expect((await slow).choices[0]?.message.content).toBe('Echo: slow one');
    await stopped;
    await expect(ask(host, 'after quit')).rejects.toThrow();

    const reopened = await startHost();
    const traces = (await admin(reopened, 'GET', '/admin/v1/traces')).body as Page<Trace>;
    expect(traces.items.map((t) => [t.status, t.modelRequested])).toEqual([[200, 'gpt-4o-mini']]);
  });
});
