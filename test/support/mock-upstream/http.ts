import { randomBytes } from 'node:crypto';
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { Ctx } from './types.js';

export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export function errorBody(message: string, type: string, param: string | null = null, code: string | null = null): OpenAIErrorBody {
  return { error: { message, type, param, code } };
}

export function newRequestId(): string {
  return `req_${randomBytes(16).toString('hex')}`;
}

export const RATE_LIMIT_OK_HEADERS: OutgoingHttpHeaders = {
  'x-ratelimit-limit-requests': '10000',
  'x-ratelimit-remaining-requests': '9999',
  'x-ratelimit-reset-requests': '6ms',
  'x-ratelimit-limit-tokens': '30000000',
  'x-ratelimit-remaining-tokens': '29999990',
  'x-ratelimit-reset-tokens': '0s',
};

export function baseHeaders(ctx: Ctx, contentType: string): OutgoingHttpHeaders {
  return {
    'content-type': contentType,
    'x-request-id': ctx.requestId,
    'openai-version': '2020-10-01',
    'openai-processing-ms': String(Date.now() - ctx.startedAt),
  };
}

export function sendJson(ctx: Ctx, status: number, payload: unknown, extra: OutgoingHttpHeaders = {}): void {
  if (ctx.signal.aborted) return;
  const text = JSON.stringify(payload);
  ctx.res.writeHead(status, {
    ...baseHeaders(ctx, 'application/json'),
    'content-length': Buffer.byteLength(text),
    ...extra,
  });
  ctx.end(text);
}

export function sendError(ctx: Ctx, status: number, body: OpenAIErrorBody, extra: OutgoingHttpHeaders = {}): void {
  sendJson(ctx, status, body, extra);
}

export function invalidJsonError(): OpenAIErrorBody {
  return errorBody(
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
    'invalid_request_error',
  );
}

export function missingParamError(param: string): OpenAIErrorBody {
  return errorBody(`Missing required parameter: '${param}'.`, 'invalid_request_error', param, 'missing_required_parameter');
}

export function readRawBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Resolves after `ms`, or early (false) when the response closes. */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export function untilClosed(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

export function pieces(text: string, size = 4): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

export function headerValue(ctx: Ctx, name: string): string | undefined {
  const v = ctx.req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
