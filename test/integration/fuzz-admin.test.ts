/**
 * Property-based hostile input for every admin route (walked from the route table, so routes added later are
 * fuzzed too): random JSON bodies, wrong types, deep nesting, huge strings, invalid UTF-8, random path
 * parameters and query strings, oversized bodies. Always a clear 4xx (or a real answer), never a 5xx or a hang.
 * Plus the gates in front of them: foreign Host and Origin, missing or wrong tokens.
 */
import { sendRaw, type RawAnswer } from '../support/send-raw';
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listAdminRoutes } from '../../electron/gateway/admin/routes';
import { startTestGateway, useSharedGateway, type TestGateway } from '../support/start-gateway';

let t: TestGateway;
useSharedGateway({}, (gw) => { t = gw; });

type Answer = RawAnswer;

function send(method: string, path: string, body: Buffer | string | null, headers: Record<string, string> = {}, gw: TestGateway = t): Promise<Answer> {
  return sendRaw(gw.addresses.adminPort, method, path, body, { authorization: `Bearer ${t.gateway.adminToken}`, 'content-type': 'application/json', ...headers });
}

function expectSane(a: Answer, what: string) {
  expect(a.status, `${what} → ${a.status} ${a.body.slice(0, 300)}`).toBeLessThan(500);
  if (a.status >= 400) {
    const parsed = JSON.parse(a.body) as { error: Record<string, unknown> };
    expect(parsed.error).toMatchObject({ message: expect.any(String), type: expect.any(String) });
    expect(String(parsed.error.message)).not.toMatch(/\n\s+at /);
  }
}

/** A concrete path for a route pattern such as ^\/admin\/v1\/traces\/([^/]+)$, with `param` in each slot. */
function pathOf(pattern: RegExp, param: string): string {
  return pattern.source.replace(/^\^/, '').replace(/\$$/, '').replace(/\(\[\^\/\]\+\)/g, param).replace(/\\\//g, '/');
}

// the SSE stream never ends on its own; its gate is tested with the others below
const ROUTES = listAdminRoutes().filter((r) => !r.sse);
const route = fc.constantFrom(...ROUTES);
const param = fc.oneof(fc.constantFrom('default', 'openai', 'x'), fc.string({ minLength: 1, maxLength: 40 }))
  .map((s) => encodeURIComponent(s)).filter((s) => s.length > 0);
const query = fc.dictionary(fc.constantFrom('project', 'limit', 'cursor', 'q', 'model', 'status', 'cache', 'groupBy', 'from', 'to', 'days', 'sort', 'tag'),
  fc.oneof(fc.string({ maxLength: 30 }), fc.integer().map(String), fc.constantFrom('-1', '1e309', 'NaN', '%', '0x10', '99999999999999999999')), { maxKeys: 4 });
const anyJson = fc.jsonValue({ maxDepth: 5 });
/** objects shaped like the admin DTOs, every field a random value */
const dtoish = fc.record({
  slug: anyJson, name: anyJson, cachePolicy: anyJson, cacheTtlSec: anyJson, cacheVersion: anyJson, budget: fc.oneof(anyJson, fc.dictionary(fc.constantFrom('dailyUsd', 'monthlyUsd', 'mode', 'downgradeModel', 'perUser', 'timeZone', 'velocityUsdPerMin'), anyJson)),
  limits: anyJson, baseUrl: anyJson, apiKey: anyJson, headers: anyJson, retentionDays: anyJson, model: anyJson, tag: anyJson, match: anyJson,
  olderThanSec: anyJson, ids: anyJson, semantic: anyJson, routing: anyJson, aliases: anyJson,
}, { requiredKeys: [] });
const body = fc.oneof(
  anyJson.map((v) => Buffer.from(JSON.stringify(v))),
  dtoish.map((v) => Buffer.from(JSON.stringify(v))),
  fc.uint8Array({ maxLength: 256 }).map((a) => Buffer.from(a)),
  fc.constant(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])),
  fc.constant(Buffer.from('['.repeat(50_000) + ']'.repeat(50_000))),
  fc.constant(Buffer.from(JSON.stringify({ name: 'n'.repeat(500_000) }))),
);

describe('fuzzing every admin route', () => {
  it('random bodies, path parameters and query strings', { timeout: 180_000 }, async () => {
    await fc.assert(fc.asyncProperty(route, param, query, body, async (r, p, q, b) => {
      const qs = new URLSearchParams(q).toString();
      const path = pathOf(r.pattern, p) + (qs ? `?${qs}` : '');
      const hasBody = r.method !== 'GET' && r.method !== 'DELETE';
      expectSane(await send(r.method, path, hasBody ? b : null), `${r.method} ${path} ${b.toString('utf8').slice(0, 160)}`);
    }), { numRuns: 400 });
    expect(t.logs.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('oversized bodies are 413 on every route that takes one', async () => {
    for (const r of ROUTES.filter((x) => x.method !== 'GET' && x.method !== 'DELETE')) {
      const a = await send(r.method, pathOf(r.pattern, 'default'), Buffer.alloc(2 * 1024 * 1024, 0x61));
      expect(a.status, `${r.method} ${r.pattern.source}`).toBe(413);
      expectSane(a, r.pattern.source);
    }
  });

  it('every route, the SSE stream included, is behind the Host, Origin and token gates', { timeout: 60_000 }, async () => {
    const token = fc.oneof(fc.string({ maxLength: 60 }), fc.constant(t.gateway.adminToken.slice(0, -1)), fc.constant(t.gateway.adminToken + 'x'))
      .map((s) => s.replace(/[^\x21-\x7e]/g, 'a'));
    const all = listAdminRoutes();
    await fc.assert(fc.asyncProperty(fc.constantFrom(...all), token, async (r, tok) => {
      const path = pathOf(r.pattern, 'default');
      const bad = await send(r.method, path, null, { authorization: `Bearer ${tok}` });
      expect(bad.status, `${r.method} ${path} with token ${tok}`).toBe(401);
    }), { numRuns: 100 });
    const hosts = fc.oneof(fc.domain(), fc.constantFrom('127.0.0.1.evil.example', 'localhost.evil.example', '0.0.0.0', '192.168.1.10', 'evil.example:8687'));
    await fc.assert(fc.asyncProperty(fc.constantFrom(...all), hosts, async (r, host) => {
      const a = await send(r.method, pathOf(r.pattern, 'default'), null, { host });
      expect(a.status, `Host: ${host}`).toBe(403);
    }), { numRuns: 60 });
    const origins = fc.oneof(fc.webUrl().map((u) => new URL(u).origin), fc.constantFrom('null', 'http://localhost:1', `http://127.0.0.1:${t.addresses.proxyPort}`));
    await fc.assert(fc.asyncProperty(fc.constantFrom(...all), origins, async (r, origin) => {
      const a = await send(r.method, pathOf(r.pattern, 'default'), null, { origin });
      expect(a.status, `Origin: ${origin}`).toBe(403);
    }), { numRuns: 60 });
  });

  it('static files: fuzzed traversal paths never leave the dashboard folder', { timeout: 60_000 }, async () => {
    const root = mkdtempSync(join(tmpdir(), 'tollgate-fuzz-dash-'));
    const dashboardDir = join(root, 'dashboard');
    mkdirSync(join(dashboardDir, 'assets'), { recursive: true });
    writeFileSync(join(dashboardDir, 'index.html'), '<!doctype html><title>INDEX</title>');
    writeFileSync(join(root, 'secret.txt'), 'TOP-SECRET-SIBLING');
    const gw = await startTestGateway({ dashboardDir });
    try {
      const piece = fc.constantFrom('..', '.', '%2e%2e', '.%2e', '%2e.', '%252e%252e', '%2f', '%5c', '\\', '%00', '%c0%ae%c0%ae', 'assets', 'secret.txt',
        'etc', 'passwd', root.slice(1), '%', '%zz', '', '..%2f', '..%5c');
      const path = fc.array(piece, { minLength: 1, maxLength: 8 }).map((parts) => '/' + parts.join('/'));
      await fc.assert(fc.asyncProperty(path, fc.constantFrom('GET', 'HEAD'), async (p, method) => {
        const a = await send(method, p, null, { authorization: '' }, gw);
        expect(a.body, p).not.toMatch(/TOP-SECRET|root:/);
        expect(a.status, p).toBeLessThan(500);
      }), { numRuns: 300 });
    } finally {
      await gw.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
