/**
 * Property-based hostile input for the proxy port's request parser: random JSON, deep nesting, huge strings,
 * wrong types, invalid UTF-8, hostile paths and header values. Whatever comes in, the answer is a clear
 * OpenAI-shaped 4xx (or a real answer for what happens to be a valid request), never a 5xx, a hang or a crash.
 */
import { sendRaw, type RawAnswer } from '../support/send-raw';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { useSharedGateway, type TestGateway } from '../support/start-gateway';

let t: TestGateway;
useSharedGateway({ maxBodyBytes: 256 * 1024 }, (gw) => { t = gw; });

type Answer = RawAnswer;

function send(path: string, body: Buffer | string | null, headers: Record<string, string> = {}, method = 'POST'): Promise<Answer> {
  return sendRaw(t.addresses.proxyPort, method, path, body, { 'content-type': 'application/json', ...headers });
}

/** The property every answer must have. */
function expectSane(a: Answer, what: string) {
  expect(a.status, `${what} → ${a.status} ${a.body.slice(0, 300)}`).toBeLessThan(500);
  if (a.status >= 400) {
    const parsed = JSON.parse(a.body) as { error: Record<string, unknown> };
    expect(Object.keys(parsed)).toEqual(['error']);
    expect(parsed.error).toMatchObject({ message: expect.any(String), type: expect.any(String) });
    expect(Object.keys(parsed.error).sort()).toEqual(['code', 'message', 'param', 'type']);
    expect(String(parsed.error.message)).not.toMatch(/\n\s+at /); // no stack traces
  }
}

const ENDPOINTS = ['/v1/chat/completions', '/v1/responses', '/v1/embeddings'];
const endpoint = fc.constantFrom(...ENDPOINTS);
/** mock-* names switch the mock into failure modes (5xx on purpose); the fuzz is about our parser, so avoid them */
const model = fc.oneof(fc.constant('gpt-4o-mini'), fc.string({ maxLength: 40 }).filter((s) => !s.startsWith('mock-')));
const anyJson = fc.jsonValue({ maxDepth: 6 });
/** request-shaped objects whose fields have random (often wrong) types */
const almostRequest = fc.record({
  model: fc.oneof(model, anyJson),
  messages: fc.oneof(anyJson, fc.array(fc.record({ role: fc.oneof(fc.constantFrom('user', 'system', 'assistant', 'tool'), anyJson), content: anyJson }, { requiredKeys: [] }), { maxLength: 4 })),
  input: anyJson, stream: fc.oneof(fc.boolean(), anyJson), temperature: fc.oneof(fc.double(), anyJson), n: anyJson,
  stream_options: anyJson, tools: anyJson, max_tokens: anyJson, user: anyJson,
}, { requiredKeys: [] });

function deep(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array' ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

describe('fuzzing the proxy request parser', () => {
  it('random JSON values and request-shaped objects with wrong types', { timeout: 120_000 }, async () => {
    await fc.assert(fc.asyncProperty(endpoint, fc.oneof(anyJson, almostRequest), async (path, value) => {
      expectSane(await send(path, JSON.stringify(value)), `${path} ${JSON.stringify(value).slice(0, 200)}`);
    }), { numRuns: 150 });
  });

  it('arbitrary bytes, invalid UTF-8 and truncated JSON', { timeout: 120_000 }, async () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 512 }).map((a) => Buffer.from(a)),
      fc.string().map((s) => Buffer.concat([Buffer.from('{"model":"gpt-4o-mini","messages":[{"role":"user","content":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(s), Buffer.from('"}]}')])),
      fc.tuple(almostRequest, fc.nat()).map(([v, cut]) => { const s = JSON.stringify(v); return Buffer.from(s.slice(0, cut % (s.length + 1))); }),
    );
    await fc.assert(fc.asyncProperty(endpoint, bytes, async (path, body) => {
      expectSane(await send(path, body), `${path} ${body.toString('hex').slice(0, 120)}`);
    }), { numRuns: 150 });
  });

  it('deep nesting and huge strings', { timeout: 120_000 }, async () => {
    for (const depth of [1_000, 10_000, 100_000]) {
      for (const kind of ['array', 'object'] as const) {
        const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }).replace('"x"', deep(depth, kind));
        expectSane(await send('/v1/chat/completions', body.length <= 256 * 1024 ? body : deep(depth, kind)), `nesting ${depth} ${kind}`);
      }
    }
    const huge = 'y'.repeat(200 * 1024);
    expectSane(await send('/v1/chat/completions', JSON.stringify({ model: huge.slice(0, 100_000), messages: [{ role: 'user', content: 'x' }] })), 'huge model name');
    expectSane(await send('/v1/embeddings', JSON.stringify({ model: 'text-embedding-3-small', input: huge })), 'huge input');
    const over = await send('/v1/chat/completions', JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'z'.repeat(300 * 1024) }] }));
    expect(over.status).toBe(413);
    expectSane(over, 'oversized body');
  });

  it('hostile paths, project prefixes and header values', { timeout: 120_000 }, async () => {
    const segment = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('%0d%0a', '%00', '..', '%2e%2e', '%ff', '%', '%E2%80%A8', 'é', '%C3%A9x%0d%0aset-cookie:%20a=b'));
    const path = fc.oneof(
      segment.map((s) => `/p/${encodeURIComponent(s).replace(/%25/g, '%')}/v1/chat/completions`),
      segment.map((s) => `/v1/${encodeURIComponent(s).replace(/%25/g, '%')}`),
      segment.map((s) => `/p/${encodeURIComponent(s).replace(/%25/g, '%')}/v1/models`),
    );
    const headerValue = fc.string({ maxLength: 80 }).map((s) => s.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?'));
    const header = fc.constantFrom('x-tollgate-project', 'x-tollgate-user', 'x-tollgate-feature', 'x-tollgate-tags', 'x-tollgate-cache',
      'x-tollgate-cache-ttl', 'x-tollgate-cache-tags', 'authorization', 'cache-control', 'content-type');
    const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    await fc.assert(fc.asyncProperty(path, header, headerValue, async (p, h, v) => {
      const method = p.endsWith('/models') ? 'GET' : 'POST';
      expectSane(await send(p, method === 'GET' ? null : body, { [h]: v }, method), `${method} ${p} ${h}: ${v}`);
    }), { numRuns: 150 });
    expect(t.logs.filter((l) => l.level === 'error')).toEqual([]);
  });
});
