import { Agent, errors as undiciErrors } from 'undici';
import type { Dispatcher } from 'undici';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { GatewayError } from '../errors';

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
  signal?: AbortSignal;
}

export interface UpstreamResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Readable & AsyncIterable<Buffer>;
}

/**
 * The only user of undici: one keep-alive Agent (a pool per origin). Its request() API costs a fraction
 * of fetch()'s CPU per call, which matters on a proxy's hot path.
 */
export function createUpstreamClient(timeouts: UpstreamTimeouts) {
  const agent = new Agent({
    connections: 256,
    pipelining: 1,
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 120_000,
    connect: { timeout: timeouts.connectMs },
    headersTimeout: timeouts.headersMs,
    bodyTimeout: timeouts.bodyMs,
  });

  async function send(req: UpstreamRequest): Promise<UpstreamResponse> {
    try {
      const res = await agent.request({
        origin: req.origin,
        path: req.path,
        method: req.method as Dispatcher.HttpMethod,
        headers: req.headers,
        body: req.body ?? null,
        signal: req.signal,
      });
      return { status: res.statusCode, headers: res.headers as IncomingHttpHeaders, body: res.body as unknown as UpstreamResponse['body'] };
    } catch (err) {
      throw toUpstreamError(err, req.origin);
    }
  }

  return { send, close: () => agent.close() };
}

export type UpstreamClient = ReturnType<typeof createUpstreamClient>;

/** Network failures as the client should read them: 504 for timeouts, 502 for everything else. */
export function toUpstreamError(err: unknown, origin: string): GatewayError {
  if (err instanceof GatewayError) return err;
  const e = err as { name?: string; code?: string; message?: string };
  if (e?.name === 'AbortError' || e?.code === 'UND_ERR_ABORTED') {
    return new GatewayError(499, 'invalid_request_error', 'invalid_request', 'The client closed the request.', { cause: err });
  }
  if (err instanceof undiciErrors.HeadersTimeoutError || err instanceof undiciErrors.BodyTimeoutError ||
      err instanceof undiciErrors.ConnectTimeoutError) {
    return new GatewayError(504, 'upstream_error', 'upstream_timeout',
      `The upstream at ${origin} did not answer in time (${e.code}). Try again, or raise the upstream timeout.`, { cause: err });
  }
  const detail = e?.code ?? e?.message ?? 'unknown error';
  return new GatewayError(502, 'upstream_error', 'upstream_unavailable',
    `Could not reach the upstream at ${origin} (${detail}). Check the provider base URL and your network.`, { cause: err });
}
