/**
 * The admin API: a very powerful endpoint (it reads every prompt and changes every cap), so:
 * - it listens on 127.0.0.1 only, on its own port (never on the proxy port);
 * - every /admin route needs `Authorization: Bearer <token>` (compared in constant time);
 * - Host must be a loopback name (DNS rebinding), and a browser Origin must be this very server (no CORS).
 * The dashboard's static files need no token; the data behind them does.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { ADMIN_PREFIX } from '../../../shared/api/routes';
import { badRequest, GatewayError, toGatewayError, toOpenAIErrorBody } from '../errors';
import { isAllowedHost } from '../http/host-check';
import { redactSecrets, type Logger } from '../log';
import type { AdminModel } from './admin-model';
import type { Download } from './export-traces';
import type { EventHub } from './event-hub';
import { matchAdminRoute } from './routes';
import { serveStatic } from './static-files';

const MAX_ADMIN_BODY = 1024 * 1024;

export interface AdminServerOptions {
  model: AdminModel;
  events: EventHub;
  token: string;
  bindHost: string;
  dashboardDir: string | null;
  log: Logger;
  now: () => number;
  /** own port, known after listen; the only browser Origin allowed */
  port: () => number;
  /** GET /metrics (Prometheus text), behind the same token as the admin API */
  metrics?: () => Promise<{ contentType: string; body: string }>;
  /** commits the store's open group commit: a change the API acknowledged must survive kill -9 */
  commit?: () => void;
}

/** A file the browser saves, written as it is produced and no faster than the client reads it. */
async function sendDownload(res: ServerResponse, d: Download) {
  res.writeHead(200, { 'content-type': d.contentType, 'content-disposition': `attachment; filename="${d.filename}"`, 'cache-control': 'no-store' });
  for await (const chunk of d.chunks) {
    if (res.destroyed) return;
    if (!res.write(chunk)) await new Promise((resolve) => { res.once('drain', resolve); res.once('close', resolve); });
  }
  res.end();
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

function isTokenValid(header: string | undefined, token: string): boolean {
  const given = header?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

const tooLarge = () => new GatewayError(413, 'invalid_request_error', 'request_too_large', `Admin request bodies are limited to ${MAX_ADMIN_BODY} bytes.`);

/** Reads at most MAX_ADMIN_BODY; past that the rest is drained unread, so the client can still read its 413. */
function readBody(req: IncomingMessage): Promise<Buffer> {
  if (Number(req.headers['content-length']) > MAX_ADMIN_BODY) {
    req.resume();
    return Promise.reject(tooLarge());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_ADMIN_BODY) { chunks.push(chunk); return; }
      req.off('data', onData);
      req.resume();
      reject(tooLarge());
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const raw = await readBody(req);
  if (raw.length === 0) return {};
  try { return JSON.parse(raw.toString('utf8')); } catch {
    throw badRequest('The request body is not valid JSON.', null, 'invalid_json');
  }
}

export function createAdminServer(o: AdminServerOptions) {
  const allowedOrigins = () => new Set([`http://127.0.0.1:${o.port()}`, `http://localhost:${o.port()}`, `http://[::1]:${o.port()}`]);

  async function handle(req: IncomingMessage, res: ServerResponse) {
    if (!isAllowedHost(req, o.bindHost)) {
      throw new GatewayError(403, 'permission_error', 'host_not_allowed', 'The admin API only answers requests addressed to 127.0.0.1 or localhost.');
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins().has(origin)) {
      throw new GatewayError(403, 'permission_error', 'origin_not_allowed', `Pages from ${origin} may not use the admin API.`);
    }
    const url = req.url ?? '/';
    const pathname = url.split('?')[0]!;
    const isMetrics = pathname === '/metrics' && o.metrics !== undefined;
    if (isMetrics || pathname === ADMIN_PREFIX || pathname.startsWith(ADMIN_PREFIX + '/')) {
      if (!isTokenValid(req.headers.authorization, o.token)) {
        throw new GatewayError(401, 'authentication_error', 'invalid_admin_token',
          'A valid admin token is required: send Authorization: Bearer <token>. Open the dashboard URL printed by `npm run serve`, or read <data-dir>/admin-token.');
      }
      if (isMetrics) {
        if (req.method !== 'GET' && req.method !== 'HEAD') throw new GatewayError(405, 'invalid_request_error', 'method_not_allowed', 'Use GET /metrics.');
        const { contentType, body } = await o.metrics!();
        res.writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : body);
        return;
      }
      const match = matchAdminRoute(req.method ?? 'GET', pathname);
      if (!match) throw new GatewayError(404, 'invalid_request_error', 'unknown_route', `Unknown admin route ${req.method} ${pathname}.`);
      if (match.sse) {
        o.events.attach(res, o.now());
        return;
      }
      const query = new URL(url, 'http://admin').searchParams;
      const body = req.method === 'POST' || req.method === 'PATCH' || req.method === 'PUT' ? await readJson(req) : undefined;
      const result = await match.handler(o.model, { params: match.params, query, body });
      if (match.download) return sendDownload(res, result as Download);
      if (req.method !== 'GET') o.commit?.();
      return sendJson(res, match.status ?? 200, result);
    }
    if ((req.method === 'GET' || req.method === 'HEAD') && o.dashboardDir && serveStatic(o.dashboardDir, pathname, res)) return;
    if (pathname === '/' && !o.dashboardDir) {
      return sendJson(res, 200, { ok: true, message: 'Tollgate admin API. The dashboard is not built: run `npm run build`.' });
    }
    throw new GatewayError(404, 'invalid_request_error', 'unknown_route', `Nothing at ${pathname}.`);
  }

  return createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const e = toGatewayError(err);
      if (e.status === 500) o.log.error('admin request failed', { path: redactSecrets(req.url ?? ''), err });
      if (res.headersSent) { res.destroy(); return; }
      sendJson(res, e.status, toOpenAIErrorBody(e));
    });
  });
}
