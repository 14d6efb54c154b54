import { createHash } from 'node:crypto';
import type { Endpoint } from '../../../shared/api/dto';
import { toCanonicalJson } from './canonical-json';

/** Fields that change the answer. Anything else (stream, user, metadata, service_tier…) never splits the cache. */
const KEY_FIELDS: Partial<Record<Endpoint, readonly string[]>> = {
  'chat.completions': [
    'model', 'messages', 'tools', 'tool_choice', 'parallel_tool_calls', 'functions', 'function_call',
    'response_format', 'temperature', 'top_p', 'seed', 'n', 'max_tokens', 'max_completion_tokens', 'stop',
    'presence_penalty', 'frequency_penalty', 'logit_bias', 'logprobs', 'top_logprobs', 'reasoning_effort',
    'modalities', 'audio', 'prediction', 'verbosity', 'web_search_options',
  ],
  responses: [
    'model', 'input', 'instructions', 'tools', 'tool_choice', 'parallel_tool_calls', 'text', 'temperature', 'top_p',
    'max_output_tokens', 'max_tool_calls', 'reasoning', 'previous_response_id', 'conversation', 'prompt',
    'truncation', 'include', 'top_logprobs',
  ],
  embeddings: ['model', 'input', 'dimensions', 'encoding_format'],
};

export function isCacheableEndpoint(endpoint: Endpoint): boolean {
  return KEY_FIELDS[endpoint] !== undefined;
}

/** The part of a request that decides its answer, in canonical form. */
export function pickKeyFields(endpoint: Endpoint, body: Record<string, unknown>): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const field of KEY_FIELDS[endpoint] ?? []) {
    const v = body[field];
    if (v === undefined || v === null) continue;
    if (field === 'n' && v === 1) continue; // n=1 is the default
    picked[field] = v;
  }
  return picked;
}

/**
 * Namespaced by project and its cache version, so bumping the version (after a prompt-template or
 * model change) starts a clean namespace without deleting anything.
 */
export function buildCacheKey(namespace: string, endpoint: Endpoint, body: Record<string, unknown>): string {
  const canonical = toCanonicalJson(pickKeyFields(endpoint, body));
  return createHash('sha256').update(namespace).update('\n').update(endpoint).update('\n').update(canonical)
    .digest('hex').slice(0, 32);
}

export function buildNamespace(project: string, cacheVersion: number): string {
  return `${project}:v${cacheVersion}`;
}
