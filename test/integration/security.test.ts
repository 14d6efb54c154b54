import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, request, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestGateway, eventually, type TestGateway } from '../support/start-gateway';

interface RawResponse { status: number; headers: IncomingHttpHeaders; body: string }

/** node:http, not fetch: fetch would normalise the path and refuses to set Host or Origin freely. */
function raw(port: number, path: string, o: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: o.method ?? 'GET', headers: o.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(o.body);
  });
}

const errorCode = (r: RawResponse) => (JSON.parse(r.body) as { error: { code: string } }).error.code;
const CHAT = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], temperature: 0 });
const json = { 'content-type': 'application/json' };

let t: TestGateway;
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  await t?.close();
  for (const fn of cleanups.splice(0)) await fn();
});

describe('security', () => {
  it('refuses admin routes without the token, or with a wrong one, with 401 invalid_admin_token', async () => {
    t = await startTestGateway();
    const token = t.gateway.adminToken;
    const wrong = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    const routes: Array<[string, string, string?]> = [
      ['GET', '/admin/v1/health'], ['GET', '/admin/v1/traces'], ['GET', '/admin/v1/events'], ['GET', '/admin/v1/projects'],
      ['POST', '/admin/v1/projects', '{"slug":"sneaky"}'], ['POST', '/admin/v1/cache/invalidate', '{}'],
      ['PUT', '/admin/v1/providers/openai', '{"baseUrl":"http://evil.example/v1"}'], ['GET', '/admin/v1/no-such-route'],
    ];
    const attempts: Array<Record<string, string>> = [{}, { authorization: `Bearer ${wrong}` }, { authorization: 'Bearer ' },
      { authorization: `Basic ${token}` }, { authorization: `Bearer ${token}x` }];
    for (const [method, path, body] of routes) {
      for (const headers of attempts) {
        const r = await raw(t.addresses.adminPort, path, { method, headers: { ...json, ...headers }, body });
        expect(r.status, `${method} ${path} ${JSON.stringify(headers)}`).toBe(401);
        expect(JSON.parse(r.body)).toMatchObject({ error: { code: 'invalid_admin_token', type: 'authentication_error', param: null } });
      }
      const inQuery = await raw(t.addresses.adminPort, `${path}?token=${token}`, { method, headers: json, body });
      expect(inQuery.status).toBe(401);
    }
    const projects = await t.admin<{ items: Array<{ slug: string }> }>('/admin/v1/projects');
    expect(projects.body.items.map((p) => p.slug)).not.toContain('sneaky');
    const providers = await t.admin<{ items: Array<{ baseUrl: string }> }>('/admin/v1/providers');
    expect(providers.body.items[0]!.baseUrl).toBe(t.mock.url);
  });

  it('answers only loopback Host names, on both ports (DNS rebinding)', async () => {
    t = await startTestGateway();
    const auth = { authorization: `Bearer ${t.gateway.adminToken}` };
    const { adminPort, proxyPort } = t.addresses;
    for (const host of ['evil.example', `evil.example:${proxyPort}`, '127.0.0.1.evil.example', `localhost.evil.example:${adminPort}`, '10.0.0.1']) {
      const admin = await raw(adminPort, '/admin/v1/health', { headers: { ...auth, host } });
      expect([host, admin.status, errorCode(admin)]).toEqual([host, 403, 'host_not_allowed']);
      const proxy = await raw(proxyPort, '/v1/chat/completions', { method: 'POST', headers: { ...json, host }, body: CHAT });
      expect([host, proxy.status, errorCode(proxy)]).toEqual([host, 403, 'host_not_allowed']);
    }
    expect(t.mock.count()).toBe(0);
    for (const host of [`localhost:${adminPort}`, `127.0.0.1:${adminPort}`, `[::1]:${adminPort}`]) {
      expect((await raw(adminPort, '/admin/v1/health', { headers: { ...auth, host } })).status).toBe(200);
      expect((await raw(proxyPort, '/v1/chat/completions', { method: 'POST', headers: { ...json, host }, body: CHAT })).status).toBe(200);
    }
  });

  it('refuses foreign Origins; CORS only on the proxy port, for loopback pages', async () => {
    t = await startTestGateway();
    const { adminPort, proxyPort } = t.addresses;
    const auth = { authorization: `Bearer ${t.gateway.adminToken}` };
    const adminResponses: RawResponse[] = [];
    const admin = async (origin: string, method = 'GET') => {
      const r = await raw(adminPort, '/admin/v1/health', { method, headers: { ...auth, origin, 'access-control-request-method': 'GET' } });
      adminResponses.push(r);
      return r;
    };
    for (const origin of ['http://evil.example', 'http://127.0.0.1.evil.example', 'http://localhost:3000', 'null']) {
      const r = await admin(origin);
      expect([origin, r.status, errorCode(r)]).toEqual([origin, 403, 'origin_not_allowed']);
    }
    expect((await admin(`http://127.0.0.1:${adminPort}`)).status).toBe(200);
    expect((await admin('http://localhost:3000', 'OPTIONS')).status).toBeGreaterThanOrEqual(400);
    for (const r of adminResponses) expect(Object.keys(r.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);

    for (const origin of ['http://evil.example', 'https://127.0.0.1.evil.example', 'null']) {
      const r = await raw(proxyPort, '/v1/chat/completions', { method: 'POST', headers: { ...json, origin }, body: CHAT });
      expect([origin, r.status, errorCode(r)]).toEqual([origin, 403, 'origin_not_allowed']);
      expect(r.headers['access-control-allow-origin']).toBeUndefined();
    }
    expect(t.mock.count()).toBe(0);
    const local = 'http://localhost:3000';
    const ok = await raw(proxyPort, '/v1/chat/completions', { method: 'POST', headers: { ...json, origin: local }, body: CHAT });
    expect([ok.status, ok.headers['access-control-allow-origin']]).toEqual([200, local]);
    const preflight = await raw(proxyPort, '/v1/chat/completions', {
      method: 'OPTIONS', headers: { origin: local, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect([preflight.status, preflight.headers['access-control-allow-origin']]).toEqual([204, local]);
    expect(preflight.headers['access-control-allow-methods']).toContain('POST');
  });

  it('never serves admin routes on the proxy port', async () => {
    t = await startTestGateway();
    for (const path of ['/admin/v1/health', '/admin/v1/traces', '/admin/v1/projects', '/p/default/admin/v1/health']) {
      const r = await raw(t.addresses.proxyPort, path, { headers: { authorization: `Bearer ${t.gateway.adminToken}` } });
      expect([path, r.status, errorCode(r)]).toEqual([path, 404, 'unknown_route']);
    }
    expect(t.mock.count()).toBe(0);
  });

  it('binds both listeners to 127.0.0.1', async () => {
    t = await startTestGateway();
    expect(new URL(t.addresses.proxyUrl).hostname).toBe('127.0.0.1');
    expect(new URL(t.addresses.adminUrl).hostname).toBe('127.0.0.1');
    expect(new URL(t.addresses.dashboardUrl).hostname).toBe('127.0.0.1');
    for (const port of [t.addresses.proxyPort, t.addresses.adminPort]) expect(await tryConnect('127.0.0.1', port)).toBe('connected');
  });

  const external = Object.values(networkInterfaces()).flat()
    .filter((a) => a && !a.internal && !a.address.startsWith('fe80:')).map((a) => a!.address);
  it.skipIf(external.length === 0)(`refuses connections on non-loopback interfaces ${external.length ? `(${external.join(', ')})` : '(SKIPPED: this machine has no non-loopback interface address)'}`, async () => {
    t = await startTestGateway();
    for (const address of external) {
      for (const port of [t.addresses.proxyPort, t.addresses.adminPort]) expect(`${address} ${await tryConnect(address, port)}`).toBe(`${address} ECONNREFUSED`);
    }
  });

  it('keeps the admin token and provider keys in 0600 files, never in the database', async () => {
    t = await startTestGateway();
    const mode = (file: string) => statSync(join(t.dataDir, file)).mode & 0o777;
    expect(mode('admin-token')).toBe(0o600);
    expect(readFileSync(join(t.dataDir, 'admin-token'), 'utf8').trim()).toBe(t.gateway.adminToken);
    const key = 'sk-proj-FILEMODE0123456789abcdefXYZ';
    expect((await t.admin('/admin/v1/providers/openai', { method: 'PUT', body: { apiKey: key } })).status).toBe(200);
    expect(mode('secrets.json')).toBe(0o600);
    expect(readFileSync(join(t.dataDir, 'secrets.json'), 'utf8')).toContain(key);
    await t.client().chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] });
    expect(t.mock.calls.at(-1)!.headers.authorization).toBe(`Bearer ${key}`);
    await eventually(async () => (await t.admin<{ items: unknown[] }>('/admin/v1/traces')).body.items.length === 1);
    for (const file of ['tollgate.db', 'tollgate.db-wal']) {
      if (existsSync(join(t.dataDir, file))) expect(readFileSync(join(t.dataDir, file)).includes(key)).toBe(false);
    }
  });

  it('never puts provider or client keys in logs, traces, events or admin responses', async () => {
    const leaky = await startLeakyUpstream();
    cleanups.push(leaky.close);
    t = await startTestGateway({ openai: { baseUrl: leaky.url } });
    const providerKey = 'sk-proj-PROVIDER0123456789abcdefLEAK';
    const clientKey = 'sk-client-CLIENT0123456789abcdefLEAK';
    await t.admin('/admin/v1/providers/openai', { method: 'PUT', body: { apiKey: providerKey } });
    const events = await collectEvents(t);
    cleanups.push(events.close);
    const toClients: RawResponse[] = [];
    const send = async (model: string, key: string | null, body?: string) => {
      const headers: Record<string, string> = { ...json, ...(key ? { authorization: `Bearer ${key}` } : {}) };
      body ??= JSON.stringify({ model, stream: model.includes('stream'), messages: [{ role: 'user', content: model }], temperature: 0 });
      const r = await raw(t.addresses.proxyPort, '/v1/chat/completions', { method: 'POST', headers, body });
      toClients.push(r);
      return r;
    };
    for (const model of ['gpt-4o-mini', 'leak-401', 'leak-500', 'leak-reset', 'leak-stream-reset']) {
      for (const key of [null, clientKey]) await send(model, key);
    }
    expect(leaky.seenKeys).toEqual(expect.arrayContaining([`Bearer ${providerKey}`, `Bearer ${clientKey}`]));
    expect((await send('x', clientKey, `{"model":"gpt-4o-mini","note":"${clientKey}",}`)).status).toBe(400);

    // a 500-path: the cache table disappears under the running gateway (listing traces first commits the
    // gateway's open group commit, which would otherwise hold the write lock this blocking call waits for)
    await t.admin('/admin/v1/traces');
    const db = new Database(join(t.dataDir, 'tollgate.db'));
    db.exec('DROP TABLE cache_entries');
    db.close();
    for (const key of [null, clientKey]) {
      const r = await send('gpt-4o-mini', key, JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `new ${clientKey}` }], temperature: 0 }));
      expect([r.status, errorCode(r)]).toEqual([500, 'internal_error']);
      expect(r.body).not.toMatch(/\n\s+at /);
    }
    expect((await t.admin('/admin/v1/cache/entries?q=new')).status).toBe(500);
    expect(t.logs.map((l) => l.msg)).toEqual(expect.arrayContaining(['request failed', 'admin request failed']));

    const list = await eventually(async () => {
      const r = await t.admin<{ items: Array<{ id: string }> }>('/admin/v1/traces?limit=100');
      return r.body.items.length === toClients.length ? r.body.items : null;
    });
    const responses: string[] = [];
    for (const { id } of list) responses.push(JSON.stringify((await t.admin(`/admin/v1/traces/${id}`)).body));
    for (const path of ['/admin/v1/traces?limit=100', '/admin/v1/projects', '/admin/v1/providers', '/admin/v1/spend?groupBy=user', '/admin/v1/health']) {
      responses.push(JSON.stringify((await t.admin(path)).body));
    }
    expect(events.text()).toContain('"type":"trace"');
    const places = { logs: JSON.stringify(t.logs), admin: responses.join('\n'), events: events.text() };
    for (const [where, text] of Object.entries(places)) {
      for (const key of [providerKey, clientKey]) expect(text.includes(key), `${key} in ${where}`).toBe(false);
    }
    for (const r of toClients) expect(r.body.includes(providerKey), r.body).toBe(false);
  });

  it('never serves files outside the dashboard folder', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tollgate-dash-'));
    cleanups.push(() => rmSync(root, { recursive: true, force: true }));
    const dashboardDir = join(root, 'dashboard');
    mkdirSync(dashboardDir);
    writeFileSync(join(dashboardDir, 'index.html'), '<!doctype html><title>TOLLGATE-INDEX</title>');
    writeFileSync(join(root, 'secret.txt'), 'TOP-SECRET-SIBLING');
    t = await startTestGateway({ dashboardDir });
    const get = (path: string) => raw(t.addresses.adminPort, path);
    expect((await get('/')).body).toContain('TOLLGATE-INDEX');
    expect((await get('/index.html')).body).toContain('TOLLGATE-INDEX');
    const attacks = ['/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2fetc/passwd', '/..%2f..%2f..%2f..%2f..%2fetc%2fpasswd',
      '/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd', '/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/..%5csecret.txt',
      '/assets/../../secret.txt', '/%252e%252e/secret.txt', '/.%2e/secret.txt', '//etc/passwd', '/%00/../secret.txt', `/${root}/secret.txt`];
    for (const path of attacks) {
      const r = await get(path);
      expect(r.body, path).not.toMatch(/root:|TOP-SECRET/);
    }
  });
});

function tryConnect(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 5000 });
    socket.on('connect', () => { socket.destroy(); resolve('connected'); });
    socket.on('timeout', () => { socket.destroy(); resolve('timeout'); });
    socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

/** An OpenAI-compatible upstream that echoes the caller's key back, as some providers' errors do. */
async function startLeakyUpstream() {
  const seenKeys: string[] = [];
  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, json);
    res.end(JSON.stringify(body));
  };
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => { text += c.toString('utf8'); });
    req.on('end', () => {
      const auth = req.headers.authorization ?? '';
      seenKeys.push(auth);
      const { model } = JSON.parse(text) as { model: string };
      if (model === 'leak-401') return send(res, 401, { error: { message: `Incorrect API key provided: ${auth.slice(7)}.`, type: 'invalid_request_error', code: 'invalid_api_key', param: null } });
      if (model === 'leak-500') return send(res, 500, { error: { message: `crashed serving ${auth}`, type: 'server_error', code: null, param: null } });
      if (model === 'leak-reset' || model === 'leak-stream-reset') {
        const sse = model === 'leak-stream-reset';
        res.writeHead(200, { 'content-type': sse ? 'text/event-stream' : 'application/json', ...(sse ? {} : { 'content-length': '4096' }) });
        res.write(sse ? `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model, choices: [{ index: 0, delta: { content: 'partial' }, finish_reason: null }] })}\n\n` : `{"note":"${auth}"`);
        setTimeout(() => res.socket?.destroy(), 20);
        return;
      }
      send(res, 200, { id: 'chatcmpl-1', object: 'chat.completion', created: 1, model, choices: [{ index: 0, message: { role: 'assistant', content: 'fine' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/v1`, seenKeys, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

async function collectEvents(gw: TestGateway) {
  const ac = new AbortController();
  const res = await fetch(`${gw.addresses.adminUrl}/admin/v1/events`, { headers: { authorization: `Bearer ${gw.gateway.adminToken}` }, signal: ac.signal });
  let text = '';
  void (async () => {
    const decoder = new TextDecoder();
    try { for await (const chunk of res.body!) text += decoder.decode(chunk as Uint8Array, { stream: true }); } catch { /* aborted */ }
  })();
  return { text: () => text, close: () => ac.abort() };
}
