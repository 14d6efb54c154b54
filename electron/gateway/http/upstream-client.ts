import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { GatewayError } from '../errors';
import { ClientGoneError } from '../stream/pump';

export interface UpstreamTimeouts {
  connectMs: number;
  /** until response headers arrive (a non-streamed answer can take minutes on reasoning models) */
  headersMs: number;
  /** longest silence between body chunks */
  bodyMs: number;
}

export interface UpstreamRequest {
  origin: string;
  path: string;
  method: string;
  headers: Record<string, string>;
  body?: Buffer | string | Readable | null;
  cancel?: Cancellation;
}

/**
 * Cheaper than an AbortController per request (that showed up at ~4% of the gateway's CPU): the server
 * flips `aborted` and calls `onAbort` when the client goes away.
 */
export interface Cancellation {
  aborted: boolean;
  onAbort: (() => void) | null;
}

export interface UpstreamResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Readable & AsyncIterable<Buffer>;
}

type TimeoutPhase = 'connect' | 'headers' | 'body';

/** A silence longer than the phase allows; always a 504 to the client. */
export class UpstreamTimeoutError extends Error {
  readonly code = 'UPSTREAM_TIMEOUT';
  constructor(readonly phase: TimeoutPhase, ms: number) {
    super(`no ${phase === 'body' ? 'data' : phase} within ${ms} ms`);
  }
}

/** The server had already closed this kept-alive socket, so the request never reached it. */
class StaleSocketError extends Error {
  constructor(readonly original: Error) {
    super(original.message);
  }
}

interface Target { isHttps: boolean; hostname: string; port: number }

/**
 * The gateway's only upstream client: node:http / node:https with keep-alive agents. On this hot path it
 * measured ~10% less CPU per request than undici's Agent.request (docs/benchmarks.md), so the timeouts,
 * stale-socket retry and cancellation undici would give are done here by hand.
 */
export function createUpstreamClient(timeouts: UpstreamTimeouts) {
  // one socket per concurrent call (HTTP/1.1): a cap would queue the 257th stream behind minute-long ones; idle ones are trimmed
  const agentOptions = { keepAlive: true, keepAliveMsecs: 30_000, maxSockets: 4096, maxFreeSockets: 256, scheduling: 'lifo' as const, timeout: 30_000 };
  const httpAgent = new HttpAgent(agentOptions);
  const httpsAgent = new HttpsAgent(agentOptions);
  const targets = new Map<string, Target>();
  // for diagnostics(): what a leak would leave behind
  let pendingRequests = 0;
  let connectTimers = 0;

  function targetOf(origin: string): Target {
    let t = targets.get(origin);
    if (!t) {
      const url = new URL(origin);
      const isHttps = url.protocol === 'https:';
      t = { isHttps, hostname: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port) || (isHttps ? 443 : 80) };
      targets.set(origin, t);
    }
    return t;
  }

  function attempt(req: UpstreamRequest): Promise<IncomingMessage> {
    const t = targetOf(req.origin);
    return new Promise((resolve, reject) => {
      let phase: TimeoutPhase = 'headers';
      let response: IncomingMessage | null = null;
      const cr = (t.isHttps ? httpsRequest : httpRequest)({
        host: t.hostname, port: t.port, method: req.method, path: req.path, headers: req.headers,
        agent: t.isHttps ? httpsAgent : httpAgent,
      });
      if (req.cancel) {
        req.cancel.onAbort = () => {
          const err = new ClientGoneError();
          response?.destroy(err);
          cr.destroy(err);
        };
        if (req.cancel.aborted) req.cancel.onAbort();
      }
      // one socket-idle timer, re-armed per phase: waiting for headers, then silence between body chunks
      cr.setTimeout(timeouts.headersMs);
      cr.on('timeout', () => {
        const err = new UpstreamTimeoutError(phase, phase === 'body' ? timeouts.bodyMs : timeouts.headersMs);
        // the body's reader must see the timeout itself, not the socket reset it causes
        response?.destroy(err);
        cr.destroy(err);
      });
      cr.on('socket', (socket) => {
        if (!socket.connecting) return;
        connectTimers++;
        let armed = true;
        const disarm = () => { if (armed) { armed = false; connectTimers--; clearTimeout(timer); } };
        const timer = setTimeout(() => { disarm(); cr.destroy(new UpstreamTimeoutError('connect', timeouts.connectMs)); }, timeouts.connectMs);
        socket.once('connect', disarm);
        socket.once('close', disarm);
      });
      cr.on('error', (err: NodeJS.ErrnoException) => {
        reject(cr.reusedSocket && phase === 'headers' && err.code === 'ECONNRESET' ? new StaleSocketError(err) : err);
      });
      cr.on('response', (res) => {
        phase = 'body';
        response = res;
        cr.setTimeout(timeouts.bodyMs);
        resolve(res);
      });
      const body = req.body;
      if (body === null || body === undefined) cr.end();
      else if (typeof body === 'string' || Buffer.isBuffer(body)) cr.end(body);
      else body.pipe(cr);
    });
  }

  async function send(req: UpstreamRequest): Promise<UpstreamResponse> {
    pendingRequests++;
    try {
      let res: IncomingMessage;
      try {
        res = await attempt(req);
      } catch (err) {
        // one retry on a fresh socket is safe when the body can be sent again (Node's reusedSocket pattern)
        const canResend = req.body === null || req.body === undefined || typeof req.body === 'string' || Buffer.isBuffer(req.body);
        if (!(err instanceof StaleSocketError) || !canResend) throw err instanceof StaleSocketError ? err.original : err;
        res = await attempt(req);
      }
      return { status: res.statusCode ?? 502, headers: res.headers, body: res };
    } catch (err) {
      throw toUpstreamError(err, req.origin);
    } finally {
      pendingRequests--;
    }
  }

  const count = (sockets: NodeJS.ReadOnlyDict<unknown[]>) => Object.values(sockets).reduce((n, list) => n + (list?.length ?? 0), 0);

  return {
    send,
    /** sockets held open to upstreams (busy and idle keep-alive), requests waiting for headers, live connect timers */
    stats() {
      return {
        activeSockets: count(httpAgent.sockets) + count(httpsAgent.sockets),
        idleSockets: count(httpAgent.freeSockets) + count(httpsAgent.freeSockets),
        pendingRequests,
        connectTimers,
      };
    },
    async close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

export type UpstreamClient = ReturnType<typeof createUpstreamClient>;

/** Network failures as the client should read them: 504 for timeouts, 502 for everything else. */
export function toUpstreamError(err: unknown, origin: string): GatewayError {
  if (err instanceof GatewayError) return err;
  const e = err as { name?: string; code?: string; message?: string };
  if (e?.name === 'AbortError' || e?.code === 'ABORT_ERR') {
    return new GatewayError(499, 'invalid_request_error', 'invalid_request', 'The client closed the request.', { cause: err });
  }
  if (err instanceof UpstreamTimeoutError) {
    return new GatewayError(504, 'upstream_error', 'upstream_timeout',
      `The upstream at ${origin} did not answer in time (${err.message}). Try again, or raise the upstream timeout.`, { cause: err });
  }
  const detail = e?.code ?? e?.message ?? 'unknown error';
  return new GatewayError(502, 'upstream_error', 'upstream_unavailable',
    `Could not reach the upstream at ${origin} (${detail}). Check the provider base URL and your network.`, { cause: err });
}
