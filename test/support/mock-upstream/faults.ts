import type { OutgoingHttpHeaders } from 'node:http';
import { errorBody, sendError } from './http.js';
import type { Ctx, MockFault, MockRateLimit, MockReply } from './types.js';

/** Plays one scripted fault instead of the real answer. */
export function playFault(ctx: Ctx, fault: Exclude<MockFault, MockReply>): void {
  if ('reset' in fault) {
    ctx.destroy();
    return;
  }
  const extra: OutgoingHttpHeaders = {};
  if (fault.retryAfter !== undefined) extra['retry-after'] = fault.retryAfter;
  if (fault.retryAfterMs !== undefined) extra['retry-after-ms'] = String(fault.retryAfterMs);
  const type = fault.status === 429 ? 'requests' : fault.status >= 500 ? 'server_error' : 'invalid_request_error';
  const code = fault.status === 429 ? 'rate_limit_exceeded' : fault.status === 401 ? 'invalid_api_key' : fault.status === 404 ? 'model_not_found' : null;
  sendError(ctx, fault.status, errorBody(fault.message ?? `Scripted HTTP ${fault.status} from the mock.`, type, null, code), extra);
}

/**
 * A fixed-window request quota, advertised the way OpenAI does (x-ratelimit-*-requests on every answer) and
 * enforced with a 429 + retry-after when exceeded.
 */
export class QuotaWindow {
  private windowStart = 0;
  private used = 0;
  rejected = 0;

  constructor(private readonly limit: MockRateLimit) {}

  /** Takes one request from the window; returns the headers to send, and whether the request is over quota. */
  take(now: number): { over: boolean; headers: Record<string, string> } {
    if (now - this.windowStart >= this.limit.windowMs) {
      this.windowStart = now;
      this.used = 0;
    }
    const resetMs = Math.max(1, this.windowStart + this.limit.windowMs - now);
    const over = this.used >= this.limit.requests;
    if (over) this.rejected++;
    else this.used++;
    return {
      over,
      headers: {
        'x-ratelimit-limit-requests': String(this.limit.requests),
        'x-ratelimit-remaining-requests': String(this.limit.requests - this.used),
        'x-ratelimit-reset-requests': `${resetMs}ms`,
        ...(over ? { 'retry-after': String(Math.ceil(resetMs / 1000)), 'retry-after-ms': String(resetMs) } : {}),
      },
    };
  }
}

/** Makes every writeHead of this response carry (and win with) the given headers. */
export function overrideHeaders(ctx: Ctx, headers: Record<string, string>): void {
  const res = ctx.res;
  const original = res.writeHead.bind(res) as (status: number, headers?: OutgoingHttpHeaders) => unknown;
  (res as unknown as { writeHead: (status: number, h?: OutgoingHttpHeaders) => unknown }).writeHead =
    (status, h) => original(status, { ...h, ...headers });
}
