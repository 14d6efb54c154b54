/** Where and how to call Anthropic's Messages API. */

/** Like Anthropic's SDK: the base URL has no /v1; the path adds it. */
export const DEFAULT_ANTHROPIC_BASE_URL = 'https://api.anthropic.com';
export const ANTHROPIC_BASE_URL_ENV = 'TOLLGATE_ANTHROPIC_BASE_URL';
export const ANTHROPIC_API_KEY_ENV = 'ANTHROPIC_API_KEY';
export const ANTHROPIC_VERSION = '2023-06-01';
export const MESSAGES_PATH = '/v1/messages';
export const MODELS_PATH = '/v1/models?limit=1000';

// OpenAI-only headers mean nothing to Anthropic; the SDK's x-stainless-* telemetry is harmless and kept
const DROP = /^(openai-.*|authorization|api-key|x-api-key|anthropic-version|content-type|content-length)$/i;

/** The headers of one Messages call: the forwarded ones, minus OpenAI's auth, plus Anthropic's. */
export function buildAnthropicHeaders(forwarded: Record<string, string>, apiKey: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(forwarded)) if (!DROP.test(name)) out[name] = value;
  out['content-type'] = 'application/json';
  out['anthropic-version'] = ANTHROPIC_VERSION;
  if (apiKey) out['x-api-key'] = apiKey;
  return out;
}
