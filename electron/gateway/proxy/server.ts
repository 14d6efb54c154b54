import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { HEADERS } from '../../../shared/headers';
import { GatewayError, toOpenAIErrorBody } from '../errors';
import { isAllowedHost, isLoopbackOrigin } from '../http/host-check';
import type { RequestContext } from '../pipeline/context';
import { runPipeline } from '../pipeline/pipeline';
import type { PipelineDeps } from '../pipeline/stage';
import { matchProxyRoute } from './routes';

/** Requests Node's HTTP parser refused before any handler saw them, as OpenAI-shaped answers. */
function describeClientError(err: NodeJS.ErrnoException, timeouts: ClientTimeouts) {
  if (err.code === 'HPE_HEADER_OVERFLOW') {
    return { status: 431, reason: 'Request Header Fields Too Large', error: new GatewayError(431, 'invalid_request_error', 'invalid_request', 'The request headers are too large.') };
  }
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT' || err.code === 'ERR_HTTP_HEADERS_TIMEOUT') {
    return {
      status: 408, reason: 'Request Timeout', error: new GatewayError(408, 'invalid_request_error', 'request_timeout',
        `The request did not arrive in time: headers must come within ${timeouts.headersMs} ms and the whole request within ${Math.max(timeouts.requestMs, timeouts.headersMs)} ms. Send the request in one go.`),
    };
  }
  return { status: 400, reason: 'Bad Request', error: new GatewayError(400, 'invalid_request_error', 'invalid_request', `Malformed HTTP request (${err.code ?? 'parse error'}).`) };
}

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
    cache: { status: 'bypass', layer: null, reason: null, directive: null, noStore: false, key: null, namespace: null, ttlSec: null, tags: [], hit: null, similarity: null, match: null, semantic: null, judge: null },
    answer: null, answerComplete: false, streamedText: null, upstreamStatus: null, responseHeaders: {}, usage: null,
    usageEstimated: false, costUsd: null, savedUsd: 0, ttfbMs: null, status: 0, error: null, reply: null,
    headersSent: false, stages: [], cancel: { aborted: false, onAbort: null }, clientGone: false,
    extraHeaders: {}, reservation: null, releaseLimits: null, downgradedFrom: null,
    targets: [], attempts: [], routing: null, routingSavedUsd: null, routingBaseline: null,
  };
}

export interface ClientTimeouts { headersMs: number; requestMs: number }
export const DEFAULT_CLIENT_TIMEOUTS: ClientTimeouts = { headersMs: 30_000, requestMs: 300_000 };

/** The OpenAI-compatible listener. Admin routes never live here. */
export function createProxyServer(deps: PipelineDeps, bindHost: string, timeouts: ClientTimeouts = DEFAULT_CLIENT_TIMEOUTS) {
  let inFlight = 0;
  let onIdle: (() => void) | null = null;
  /** the request a socket is carrying, so a timeout Node raises on the socket reaches that request's trace */
  const active = new WeakMap<Socket, RequestContext>();

  const requestMs = Math.max(timeouts.requestMs, timeouts.headersMs);
  const server = createServer({
    keepAliveTimeout: 65_000, headersTimeout: timeouts.headersMs, requestTimeout: requestMs,
    // how often Node looks for clients over those limits; its 30 s default would let a short limit run long
    connectionsCheckingInterval: Math.max(50, Math.min(30_000, Math.floor(timeouts.headersMs / 4))),
  }, (req, res) => {
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
      // a client cut off by the request timeout was answered 408 (clientError below), it did not leave
      if (ctx.error?.code !== 'request_timeout') ctx.clientGone = true;
      ctx.cancel.aborted = true;
      ctx.cancel.onAbort?.();
    });
    active.set(req.socket, ctx);
    inFlight++;
    runPipeline(ctx, deps)
      .then(() => {
        // every request gets an answer: a stage that failed to send one must not leave the client hanging
        if (ctx.headersSent || res.headersSent || res.writableEnded || res.destroyed || ctx.clientGone) return;
        deps.log.error('pipeline finished without answering', { traceId: ctx.id, path: ctx.path.split('?')[0] });
        sendError(res, new GatewayError(500, 'server_error', 'internal_error', 'Tollgate hit an internal error.'));
      })
      .catch((err: unknown) => {
        deps.log.error('pipeline crashed', { traceId: ctx.id, err });
        if (!res.headersSent) sendError(res, new GatewayError(500, 'server_error', 'internal_error', 'Tollgate hit an internal error.'));
        else res.destroy();
      })
      .finally(() => {
        active.delete(req.socket);
        inFlight--;
        if (inFlight === 0 && onIdle) onIdle();
      });
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) { socket.destroy(); return; }
    const { status, reason, error } = describeClientError(err, timeouts);
    const ctx = active.get(socket as Socket);
    if (ctx) {
      if (ctx.res.headersSent) { socket.destroy(); return; }
      ctx.error = error;
      ctx.status = status;
      ctx.headersSent = true; // the 408 below is this request's answer
    }
    const body = JSON.stringify(toOpenAIErrorBody(error));
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nconnection: close\r\n` +
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
