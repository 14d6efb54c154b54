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

/** The OpenAI error fields for an Anthropic `error` object (the body's or a stream event's). */
export function toOpenAIErrorFields(error: Json): { message: string; type: string; code: string; param: null } {
  const type = typeof error.type === 'string' ? error.type : 'api_error';
  const raw = typeof error.message === 'string' && error.message !== '' ? error.message : type;
  let code = CODES[type] ?? 'upstream_error';
  if (/prompt is too long|context window/i.test(raw)) code = 'context_length_exceeded';
  return { message: `anthropic error: ${redactSecrets(raw)}`, type, code, param: null };
}

/**
 * Anthropic's error body (`{"type":"error","error":{"type","message"},"request_id"}`) → its message, for the
 * gateway's OpenAI envelope. A body that is not Anthropic's shape (a proxy's HTML page) is kept as text.
 */
export function readAnthropicErrorMessage(status: number, body: string): string {
  try {
    const parsed = JSON.parse(body) as Json;
    const error = parsed.error;
    if (typeof error === 'object' && error !== null && typeof (error as Json).message === 'string') {
      return redactSecrets((error as Json).message as string);
    }
  } catch { /* not JSON */ }
  const text = body.trim().slice(0, 2000);
  return text === '' ? `HTTP ${status} with an empty body` : redactSecrets(text);
}
