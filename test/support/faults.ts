/**
 * Fault injection from the client's side (raw sockets that stop, drip or vanish) and the checks that the
 * gateway let go of everything afterwards. Upstream faults come from the mock's model names
 * (mock-reset, mock-stall, mock-stream-stall, mock-bad-sse, mock-bad-json, mock-error-429/500).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { Agent, fetch as undiciFetch } from 'undici';
import type { GatewayDiagnostics } from '../../electron/gateway/index';
import type { TestGateway } from './start-gateway';

/** A copy of the bundled pricing table that also prices the mock's fault models, so budgets hold money for them. */
export function writePricingWith(models: string[]): string {
  const bundled = JSON.parse(readFileSync(fileURLToPath(new URL('../../resources/pricing.json', import.meta.url)), 'utf8')) as { models: Record<string, unknown> };
  for (const m of models) bundled.models[m] = { provider: 'openai', input: 2, cachedInput: null, output: 8, source: 'https://example.com/test-pricing', checked: '2025-01-01' };
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-pricing-'));
  const file = join(dir, 'pricing.json');
  writeFileSync(file, JSON.stringify(bundled));
  return file;
}

/** Budget reservations the project still holds (GET /admin/v1/projects/:slug/usage). */
export async function openReservations(t: TestGateway, project = 'default'): Promise<{ count: number; usd: number }> {
  const r = await t.admin<{ openReservations: number; reservedUsd: number }>(`/admin/v1/projects/${project}/usage`);
  if (r.status !== 200) throw new Error(`GET /admin/v1/projects/${project}/usage answered ${r.status}`);
  return { count: r.body.openReservations, usd: r.body.reservedUsd };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A raw TCP connection to the proxy port, with everything the gateway sends back collected. */
export interface RawConn {
  socket: Socket;
  received(): string;
  closed: Promise<void>;
}

export function openRaw(t: TestGateway): Promise<RawConn> {
  return new Promise((resolve, reject) => {
    const socket = connect(t.addresses.proxyPort, '127.0.0.1');
    let text = '';
    socket.on('data', (d: Buffer) => { text += d.toString('utf8'); });
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.on('error', () => undefined); // a reset by the gateway is an outcome the tests read, not a failure
    socket.once('connect', () => resolve({ socket, received: () => text, closed }));
    socket.once('error', reject);
  });
}

export const chatBody = (model: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ model, messages: [{ role: 'user', content: 'fault please' }], ...extra });

export function requestHead(body: string, extraHeaders = ''): string {
  return `POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n` +
    `content-length: ${Buffer.byteLength(body)}\r\n${extraHeaders}\r\n`;
}

/** Slow-loris: writes `text` a few bytes at a time with a pause between, until done or the gateway hangs up. */
export async function drip(conn: RawConn, text: string, everyMs: number, bytes = 2): Promise<void> {
  for (let i = 0; i < text.length && !conn.socket.destroyed; i += bytes) {
    conn.socket.write(text.slice(i, i + bytes));
    await sleep(everyMs);
  }
}

/** An SDK client on its own connection pool, so a test can close every socket it opened. */
export function isolatedClient(t: TestGateway, opts: { connections?: number } = {}): { client: OpenAI; close(): Promise<void> } {
  const agent = new Agent({ connections: opts.connections ?? null, pipelining: 1 });
  const client = new OpenAI({
    baseURL: t.addresses.proxyUrl, apiKey: 'tollgate', maxRetries: 0,
    fetch: ((url: string, init: Record<string, unknown>) => undiciFetch(url, { ...init, dispatcher: agent } as never)) as never,
  });
  return { client, close: () => agent.close() };
}

export interface CleanExpectation {
  /** proxy connections allowed to stay open (idle keep-alive sockets of clients the test still holds) */
  proxySockets?: number;
  /** Timeout handles in the process before the test: the gateway must not leave more behind */
  processTimers?: number;
  timeoutMs?: number;
}

function leaks(d: GatewayDiagnostics, t: TestGateway, e: CleanExpectation): string[] {
  const out: string[] = [];
  if (d.inFlight !== 0) out.push(`${d.inFlight} requests in flight`);
  if (d.sockets.upstreamActive !== 0) out.push(`${d.sockets.upstreamActive} busy upstream sockets`);
  if (d.upstreamPending !== 0) out.push(`${d.upstreamPending} upstream calls pending`);
  if (d.timers.upstreamConnect !== 0) out.push(`${d.timers.upstreamConnect} connect timers`);
  if (d.timers.storeFlush !== 0 || d.pendingWrites !== 0) out.push(`${d.pendingWrites} writes queued`);
  if (d.sockets.proxy > (e.proxySockets ?? 0)) out.push(`${d.sockets.proxy} proxy sockets open (allowed ${e.proxySockets ?? 0})`);
  if (e.processTimers !== undefined && d.timers.process > e.processTimers) out.push(`${d.timers.process} process timers (was ${e.processTimers})`);
  if (t.mock.openResponses !== 0) out.push(`${t.mock.openResponses} upstream responses still open at the mock`);
  return out;
}

/**
 * Waits until the gateway holds nothing for finished requests: no request in flight, no busy upstream socket,
 * no armed per-request timer, no queued write, the mock has no open response, and the proxy port has no more
 * connections than allowed. Fails with what is still held.
 */
export async function expectClean(t: TestGateway, e: CleanExpectation = {}): Promise<GatewayDiagnostics> {
  const deadline = Date.now() + (e.timeoutMs ?? 5000);
  for (;;) {
    const d = t.gateway.diagnostics();
    const held = leaks(d, t, e);
    if (held.length === 0) return d;
    if (Date.now() > deadline) throw new Error(`the gateway still holds: ${held.join(', ')}\n${JSON.stringify(d)}`);
    await sleep(25);
  }
}

/** Parses one raw HTTP answer (status line + JSON body) as the slow-loris and disconnect tests receive it. */
export function parseRawAnswer(text: string): { status: number; body: unknown } {
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? NaN);
  const bodyText = text.slice(text.indexOf('\r\n\r\n') + 4);
  let body: unknown = bodyText;
  try { body = JSON.parse(bodyText); } catch { /* not JSON */ }
  return { status, body };
}
