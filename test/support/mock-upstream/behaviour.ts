import type { OutgoingHttpHeaders } from 'node:http';
import {
  baseHeaders,
  errorBody,
  headerValue,
  RATE_LIMIT_OK_HEADERS,
  sendError,
  sleep,
  untilClosed,
} from './http.js';
import type { Ctx } from './types.js';

// Model names that switch the mock into a failure or timing mode, the way
// TensorZero's dummy provider does, so gateway tests need no extra wiring.

const DEFAULT_SLOW_MS = 2000;

/**
 * Settles the response for models whose behaviour replaces the answer, and applies
 * any configured delay. Returns true when the caller must not answer.
 */
export async function preamble(ctx: Ctx, model: string, stream: boolean): Promise<boolean> {
  switch (model) {
    case 'mock-error-500':
      sendError(ctx, 500, errorBody('The server had an error while processing your request. Sorry about that!', 'server_error'));
      return true;
    case 'mock-error-400':
      sendError(
        ctx,
        400,
        errorBody("Invalid value for 'temperature': must be between 0 and 2.", 'invalid_request_error', 'temperature', 'invalid_value'),
      );
      return true;
    case 'mock-error-429':
      sendRateLimited(ctx, model);
      return true;
    case 'mock-stall':
      await untilClosed(ctx.signal);
      return true;
    case 'mock-bad-json':
      sendBadJson(ctx);
      return true;
    case 'mock-bad-sse':
      await sendBadSse(ctx);
      return true;
  }
  if (!(await holdUntilOpen(ctx))) return true;
  const delay = delayMs(ctx, model, stream);
  if (delay > 0 && !(await sleep(delay, ctx.signal))) return true;
  return false;
}

/**
 * `x-mock-hold-until-open: N` holds the answer until N responses are open at once: a load test gets all its
 * requests in flight together however slow the machine is, instead of betting on a fixed delay.
 */
async function holdUntilOpen(ctx: Ctx): Promise<boolean> {
  const n = Number(headerValue(ctx, 'x-mock-hold-until-open'));
  if (!Number.isFinite(n) || n <= 0) return true;
  while (ctx.openCount() < n) {
    if (!(await sleep(5, ctx.signal))) return false;
  }
  return true;
}

function delayMs(ctx: Ctx, model: string, stream: boolean): number {
  const header = Number(headerValue(ctx, 'x-mock-delay-ms'));
  const explicit = Number.isFinite(header) && header >= 0 ? header : undefined;
  const slow = model === 'mock-slow' || (model === 'mock-slow-stream' && !stream);
  if (slow) return explicit ?? DEFAULT_SLOW_MS;
  return explicit ?? 0;
}

function sendRateLimited(ctx: Ctx, model: string): void {
  sendError(
    ctx,
    429,
    errorBody(
      `Rate limit reached for requests per min (RPM) for ${model} in organization org-mock on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 1s. Visit https://platform.openai.com/account/rate-limits to learn more.`,
      'requests',
      null,
      'rate_limit_exceeded',
    ),
    {
      'retry-after': '1',
      'retry-after-ms': '1000',
      'x-ratelimit-limit-requests': '3',
      'x-ratelimit-remaining-requests': '0',
      'x-ratelimit-reset-requests': '1s',
    },
  );
}

function sendBadJson(ctx: Ctx): void {
  const text = '{"id": "chatcmpl-broken", "choices": [';
  ctx.res.writeHead(200, {
    ...baseHeaders(ctx, 'application/json'),
    'content-length': Buffer.byteLength(text),
    ...RATE_LIMIT_OK_HEADERS,
  });
  ctx.end(text);
}

async function sendBadSse(ctx: Ctx): Promise<void> {
  ctx.res.writeHead(200, sseHeaders(ctx));
  for (const text of ['data: {not json}\n\n', 'this line has no data prefix\n\n']) {
    if (!(await writeFrame(ctx, text))) return;
  }
  ctx.end('data: [DONE]\n\n');
}

export function sseHeaders(ctx: Ctx): OutgoingHttpHeaders {
  return {
    ...baseHeaders(ctx, 'text/event-stream'),
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    ...RATE_LIMIT_OK_HEADERS,
  };
}

/**
 * Writes one frame and yields a macrotask so consecutive frames leave as separate
 * TCP writes (clients must cope with arbitrary chunk boundaries). False once closed.
 */
export async function writeFrame(ctx: Ctx, text: string): Promise<boolean> {
  if (ctx.signal.aborted) return false;
  await new Promise<void>((resolve) => {
    const onAbort = () => resolve();
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    ctx.res.write(text, () => {
      ctx.signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
  await new Promise<void>((resolve) => setImmediate(resolve));
  return !ctx.signal.aborted;
}

export interface Frame {
  text: string;
  /** Content frames are the ones paced by `intervalMs` and counted for stall/reset cuts. */
  content: boolean;
}

export interface StreamMode {
  /** Replaces the 4-char pieces of the answer. */
  pieces?: string[];
  intervalMs: number;
  cut?: { afterContent: number; then: 'stall' | 'reset' };
}

export function streamMode(model: string): StreamMode {
  switch (model) {
    case 'mock-slow-stream':
      return { pieces: Array.from({ length: 200 }, () => 'tick '), intervalMs: 50 };
    case 'mock-stream-stall':
      return { intervalMs: 0, cut: { afterContent: 2, then: 'stall' } };
    case 'mock-reset':
      return { intervalMs: 0, cut: { afterContent: 2, then: 'reset' } };
    default:
      return { intervalMs: 0 };
  }
}

export async function streamFrames(ctx: Ctx, frames: Frame[], mode: StreamMode): Promise<void> {
  if (ctx.signal.aborted) return;
  ctx.res.writeHead(200, sseHeaders(ctx));
  let contentSent = 0;
  for (const frame of frames) {
    if (frame.content && contentSent > 0 && mode.intervalMs > 0) {
      if (!(await sleep(mode.intervalMs, ctx.signal))) return;
    }
    if (!(await writeFrame(ctx, frame.text))) return;
    if (frame.content) contentSent++;
    if (mode.cut && contentSent === mode.cut.afterContent) {
      if (mode.cut.then === 'reset') ctx.destroy();
      else await untilClosed(ctx.signal);
      return;
    }
  }
  ctx.end();
}

/** Non-stream counterpart of a stall/reset cut: half the JSON body, then silence or a dead socket. */
export async function sendCutJson(ctx: Ctx, payload: unknown, then: 'stall' | 'reset'): Promise<void> {
  const text = JSON.stringify(payload);
  ctx.res.writeHead(200, {
    ...baseHeaders(ctx, 'application/json'),
    'content-length': Buffer.byteLength(text),
    ...RATE_LIMIT_OK_HEADERS,
  });
  if (!(await writeFrame(ctx, text.slice(0, Math.floor(text.length / 2))))) return;
  if (then === 'reset') ctx.destroy();
  else await untilClosed(ctx.signal);
}

export function sseData(payload: unknown): string {
  return `data: ${JSON.stringify(payload)}\n\n`;
}

export function sseEvent(type: string, payload: unknown): string {
  return `event: ${type}\ndata: ${JSON.stringify(payload)}\n\n`;
}
