import type { IncomingHttpHeaders } from 'node:http';
import type { GatewayError } from '../errors';

export interface RetryOptions {
  /** retries of one target after its first attempt */
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** the longest the gateway keeps retrying when the client states no deadline */
  maxWaitMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { maxRetries: 2, baseDelayMs: 250, maxDelayMs: 8_000, maxWaitMs: 30_000 };

/**
 * What a failed attempt means for the next one:
 * - retry: the same target may answer next time (429, 408, 409, 5xx, a reset or timeout);
 * - next: this target cannot serve it (refused connection, key or model missing there), another may;
 * - stop: the request itself is at fault (400, 413, 422...) and would fail anywhere; or the client left.
 */
export type Verdict = 'retry' | 'next' | 'stop';

const NETWORK_NEXT = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|CERT|SSL|self.signed/i;

export function classifyFailure(err: GatewayError, upstreamStatus: number | null): Verdict {
  if (err.status === 499) return 'stop';
  const shouldRetry = err.headers['x-should-retry'];
  if (upstreamStatus !== null && upstreamStatus >= 400) {
    if (shouldRetry === 'false') return 'next';
    if (upstreamStatus === 408 || upstreamStatus === 409 || upstreamStatus === 429 || upstreamStatus >= 500) return 'retry';
    if (upstreamStatus === 401 || upstreamStatus === 403 || upstreamStatus === 404) return 'next';
    return 'stop';
  }
  if (err.code === 'upstream_timeout') return 'retry';
  if (err.code === 'upstream_unavailable') return NETWORK_NEXT.test(err.message) ? 'next' : 'retry';
  if (err.type === 'upstream_error') return 'retry'; // an answer cut off part-way, malformed JSON
  if (err.status === 400 && err.param === 'model') return 'next'; // this provider does not serve the endpoint
  return 'stop';
}

/** The provider's own wait: retry-after-ms, then retry-after (seconds or an HTTP date); null when absent. */
export function readRetryAfterMs(headers: Record<string, string> | IncomingHttpHeaders, now: number): number | null {
  const ms = Number(headers['retry-after-ms']);
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const raw = headers['retry-after'];
  if (typeof raw !== 'string' || raw === '') return null;
  const sec = Number(raw);
  if (Number.isFinite(sec) && sec >= 0) return sec * 1000;
  const date = Date.parse(raw);
  return Number.isFinite(date) ? Math.max(0, date - now) : null;
}

/** Exponential backoff with full jitter over the upper half (never 0, never above the cap). */
export function backoffMs(attempt: number, opts: RetryOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** attempt);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/**
 * How long the client will wait for this answer, in ms: `x-tollgate-timeout-ms`, else the OpenAI SDKs'
 * `x-stainless-timeout` (seconds), capped by the gateway's own retry window.
 */
export function readClientBudgetMs(headers: IncomingHttpHeaders, opts: RetryOptions): number {
  const own = Number(headers['x-tollgate-timeout-ms']);
  if (Number.isFinite(own) && own > 0) return Math.min(own, opts.maxWaitMs);
  const sdk = Number(headers['x-stainless-timeout']);
  if (Number.isFinite(sdk) && sdk > 0) return Math.min(sdk * 1000, opts.maxWaitMs);
  return opts.maxWaitMs;
}
