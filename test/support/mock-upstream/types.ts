import type { IncomingMessage, ServerResponse } from 'node:http';

export interface RecordedCall {
  method: string;
  path: string;
  /** Raw request target including any query string; `path` drops it so `count()` suffixes stay simple. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: any; // parsed JSON, raw string, or null when empty
  ts: number;
}

export interface MockUpstream {
  url: string;
  port: number;
  calls: RecordedCall[];
  count(pathSuffix?: string): number;
  readonly aborted: number;
  readonly openResponses: number;
  reset(): void;
  /** the next JSON POSTs get these faults (or scripted reply contents), one each, in order (then normal answers again) */
  script(faults: MockFault[]): void;
  /** requests refused with 429 by the `rateLimit` quota */
  readonly rateLimited: number;
  close(): Promise<void>;
}

/** One scripted misbehaviour: an HTTP error (with optional retry-after) or a dropped connection. */
export type MockFault = { status: number; message?: string; retryAfter?: string; retryAfterMs?: number } | { reset: true } | MockReply;

/** Not a fault: a normal chat answer whose content is this text (e.g. an LLM judge's YES or NO). */
export interface MockReply { content: string }

/** A request quota per fixed window, advertised in x-ratelimit-* headers and enforced with 429. */
export interface MockRateLimit { requests: number; windowMs: number }

export interface MockUpstreamOptions {
  rateLimit?: MockRateLimit;
  /** when set, other model names get OpenAI's 404 model_not_found */
  models?: string[];
  port?: number;
  requireKey?: string;
  quiet?: boolean;
}

/** Per-request state shared by the route handlers. */
export interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  body: any;
  /** Aborts when the response closes for any reason, so pending timers and stalls unwind. */
  signal: AbortSignal;
  startedAt: number;
  requestId: string;
  nextId(): number;
  /** responses of this mock open right now (all requests, this one included) */
  openCount(): number;
  /** Ends the response; only after this is a later close not counted as an abort. */
  end(chunk?: string): void;
  /** Kills the socket on purpose (mock-reset); not counted as a client abort. */
  destroy(): void;
  /** a scripted answer content that replaces the echo */
  scriptedContent?: string;
}
