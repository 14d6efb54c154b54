import { randomBytes } from 'node:crypto';
import type { OutgoingHttpHeaders } from 'node:http';
import type { Ctx } from '../mock-upstream/types.js';

/** Anthropic's error envelope: `{"type":"error","error":{"type","message"},"request_id"}`. */
export function anthropicError(ctx: Ctx, type: string, message: string) {
  return { type: 'error', error: { type, message }, request_id: ctx.requestId };
}

export function newRequestId(): string {
  return `req_011C${randomBytes(12).toString('base64url')}`;
}

export function newId(prefix: 'msg' | 'toolu'): string {
  return `${prefix}_01${randomBytes(16).toString('base64url').slice(0, 22)}`;
}

export const RATE_LIMIT_OK: OutgoingHttpHeaders = {
  'anthropic-ratelimit-requests-limit': '4000',
  'anthropic-ratelimit-requests-remaining': '3999',
  'anthropic-ratelimit-requests-reset': '2026-01-01T00:00:01Z',
  'anthropic-ratelimit-input-tokens-limit': '2000000',
  'anthropic-ratelimit-input-tokens-remaining': '1999000',
  'anthropic-ratelimit-output-tokens-limit': '400000',
  'anthropic-ratelimit-output-tokens-remaining': '399000',
};

export function baseHeaders(ctx: Ctx, contentType: string): OutgoingHttpHeaders {
  return {
    'content-type': contentType,
    'request-id': ctx.requestId,
    'anthropic-organization-id': 'org-mock-0000',
    via: '1.1 google',
  };
}

export function sendJson(ctx: Ctx, status: number, payload: unknown, extra: OutgoingHttpHeaders = {}): void {
  if (ctx.signal.aborted) return;
  const text = JSON.stringify(payload);
  ctx.res.writeHead(status, { ...baseHeaders(ctx, 'application/json'), 'content-length': Buffer.byteLength(text), ...extra });
  ctx.end(text);
}

export function sendAnthropicError(ctx: Ctx, status: number, type: string, message: string, extra: OutgoingHttpHeaders = {}): void {
  sendJson(ctx, status, anthropicError(ctx, type, message), extra);
}

export function sseEvent(type: string, payload: unknown): string {
  return `event: ${type}\ndata: ${JSON.stringify(payload)}\n\n`;
}
