import { redactSecrets } from '../../log';

type Json = Record<string, unknown>;

/** Anthropic error types → the OpenAI error codes SDK users branch on. */
const CODES: Record<string, string> = {
  invalid_request_error: 'invalid_request',
  authentication_error: 'invalid_api_key',
  permission_error: 'permission_denied',
  not_found_error: 'model_not_found',
  request_too_large: 'request_too_large',
  rate_limit_error: 'rate_limit_exceeded',
  overloaded_error: 'upstream_unavailable',
  api_error: 'upstream_error',
  timeout_error: 'upstream_timeout',
};

function toCode(type: string, message: string): string {
  if (/prompt is too long|context window/i.test(message)) return 'context_length_exceeded';
  return Object.hasOwn(CODES, type) ? CODES[type]! : 'upstream_error';
}

/** The OpenAI error fields for an Anthropic `error` object (the body's or a stream event's). */
export function toOpenAIErrorFields(error: Json): { message: string; type: string; code: string; param: null } {
  const type = typeof error.type === 'string' ? error.type : 'api_error';
  const raw = typeof error.message === 'string' && error.message !== '' ? error.message : type;
  return { message: `anthropic error: ${redactSecrets(raw)}`, type, code: toCode(type, raw), param: null };
}

function readError(body: string): Json | null {
  try {
    const parsed = JSON.parse(body) as Json;
    return typeof parsed.error === 'object' && parsed.error !== null ? parsed.error as Json : null;
  } catch {
    return null;
  }
}

/** The OpenAI code SDK users branch on, for an Anthropic error body; null when the body is not Anthropic's. */
export function readAnthropicErrorCode(_status: number, body: string): string | null {
  const error = readError(body);
  if (!error || typeof error.type !== 'string') return null;
  return toCode(error.type, typeof error.message === 'string' ? error.message : '');
}

/**
 * Anthropic's error body (`{"type":"error","error":{"type","message"},"request_id"}`) → its message, for the
 * gateway's OpenAI envelope. A body that is not Anthropic's shape (a proxy's HTML page) is kept as text.
 */
export function readAnthropicErrorMessage(status: number, body: string): string {
  const error = readError(body);
  if (error && typeof error.message === 'string') return redactSecrets(error.message);
  const text = body.trim().slice(0, 2000);
  return text === '' ? `HTTP ${status} with an empty body` : redactSecrets(text);
}
