import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { HEADERS } from '../../../shared/headers';
import { GatewayError, toOpenAIErrorBody } from '../errors';
import { isAllowedHost, isLoopbackOrigin } from '../http/host-check';
import type { RequestContext } from '../pipeline/context';
import { runPipeline } from '../pipeline/pipeline';
import type { PipelineDeps } from '../pipeline/stage';
import { matchProxyRoute } from './routes';

function sendError(res: ServerResponse, err: GatewayError) {
  const body = JSON.stringify(toOpenAIErrorBody(err));
  res.writeHead(err.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...err.headers });
  res.end(body);
}

// unique across restarts (time + per-process random) without paying for randomBytes on every request
const ID_PREFIX = randomBytes(4).toString('hex');
let idCounter = 0;
function newTraceId(): string {
  idCounter = (idCounter + 1) % 0x1000000;
  return `tr_${Date.now().toString(36)}${ID_PREFIX}${idCounter.toString(36).padStart(5, '0')}`;
}

function createContext(req: IncomingMessage, res: ServerResponse, deps: PipelineDeps, project: string, path: string, endpoint: RequestContext['endpoint']): RequestContext {
  return {
    id: newTraceId(), startedAt: deps.now(), t0: performance.now(), req, res, method: req.method ?? 'GET', path, endpoint,
    projectSlug: project, project: null, user: null, feature: null, tags: [], clientKey: null, rawBody: null, redactedRequest: null, body: null,
    stream: false, clientWantsUsage: false, modelRequested: null, modelUsed: null, provider: null, price: null,
    cache: { status: 'bypass', layer: null, reason: null, directive: null, noStore: false, key: null, namespace: null, ttlSec: null, tags: [], hit: null, similarity: null, match: null, semantic: null },
    answer: null, answerComplete: false, streamedText: null, upstreamStatus: null, responseHeaders: {}, usage: null,
    usageEstimated: false, costUsd: null, savedUsd: 0, ttfbMs: null, status: 0, error: null, reply: null,
    headersSent: false, stages: [], cancel: { aborted: false, onAbort: null }, clientGone: false,
  };
}

/** The OpenAI-compatible listener. Admin routes never live here. */
export function createProxyServer(deps: PipelineDeps, bindHost: string) {
  let inFlight = 0;
  let onIdle: (() => void) | null = null;

  const server = createServer({ keepAliveTimeout: 65_000, headersTimeout: 30_000, requestTimeout: 0 }, (req, res) => {
    if (!isAllowedHost(req, bindHost)) {
      return sendError(res, new GatewayError(403, 'permission_error', 'host_not_allowed',
        `Tollgate only answers requests addressed to 127.0.0.1 or localhost (got Host: ${String(req.headers.host ?? '')}). This protects it from DNS-rebinding attacks.`));
    }
    const origin = req.headers.origin;
    if (origin !== undefined) {
      if (!isLoopbackOrigin(origin)) {
        return sendError(res, new GatewayError(403, 'permission_error', 'origin_not_allowed',
          `Web pages from ${origin} may not use this gateway: it would spend your provider credit. Only pages served from localhost may.`));
      }
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('vary', 'origin');
      if (req.method === 'OPTIONS') {
        res.writeHead(204, {
          'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
          'access-control-allow-headers': String(req.headers['access-control-request-headers'] ?? '*'),
          'access-control-max-age': '600',
        });
        return res.end();
      }
    }
    const route = matchProxyRoute(req.method ?? 'GET', req.url ?? '/');
    if (!route) {
      const hint = (req.url ?? '').startsWith('/admin') ? ' The admin API is on the admin port, not the proxy port.' : ' OpenAI-compatible routes live under /v1 (or /p/<project>/v1).';
      return sendError(res, new GatewayError(404, 'invalid_request_error', 'unknown_route', `Unknown route ${req.method} ${req.url}.${hint}`));
    }
    const headerProject = req.headers[HEADERS.PROJECT];
    const project = route.project ?? (typeof headerProject === 'string' && headerProject ? headerProject : 'default');
    const ctx = createContext(req, res, deps, project, route.path, route.endpoint);
    res.on('close', () => {
      if (res.writableFinished) return;
      ctx.clientGone = true;
      ctx.cancel.aborted = true;
      ctx.cancel.onAbort?.();
    });
    inFlight++;
    runPipeline(ctx, deps)
      .catch((err: unknown) => {
        deps.log.error('pipeline crashed', { traceId: ctx.id, err });
        if (!res.headersSent) sendError(res, new GatewayError(500, 'server_error', 'internal_error', 'Tollgate hit an internal error.'));
        else res.destroy();
      })
      .finally(() => {
        inFlight--;
        if (inFlight === 0 && onIdle) onIdle();
      });
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) { socket.destroy(); return; }
    const tooBig = err.code === 'HPE_HEADER_OVERFLOW';
    const body = JSON.stringify(toOpenAIErrorBody(new GatewayError(tooBig ? 431 : 400, 'invalid_request_error', 'invalid_request',
      tooBig ? 'The request headers are too large.' : `Malformed HTTP request (${err.code ?? 'parse error'}).`)));
    socket.end(`HTTP/1.1 ${tooBig ? '431 Request Header Fields Too Large' : '400 Bad Request'}\r\nconnection: close\r\n` +
      `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  });

  return {
    server,
    get inFlight() { return inFlight; },
    /** resolves when every in-flight request finished, or after the deadline */
    drain(deadlineMs: number): Promise<boolean> {
      if (inFlight === 0) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => { onIdle = null; resolve(false); }, deadlineMs);
        onIdle = () => { clearTimeout(timer); onIdle = null; resolve(true); };
      });
    },
  };
}
