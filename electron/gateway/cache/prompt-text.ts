import type { Endpoint } from '../../../shared/api/dto';

type Json = Record<string, unknown>;

function partsText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((p) => (p && typeof p === 'object' && typeof (p as Json).text === 'string' ? (p as Json).text as string : ''))
    .filter(Boolean)
    .join('\n');
}

function lastUserText(items: unknown[]): string {
  for (let i = items.length - 1; i >= 0; i--) {
    const m = items[i] as Json | null;
    if (m && typeof m === 'object' && m.role === 'user') return partsText(m.content);
  }
  return '';
}

/** The text that carries the request's intent (the last user turn): what people search the cache by. */
export function extractPromptText(endpoint: Endpoint, body: Json): string {
  if (endpoint === 'chat.completions' && Array.isArray(body.messages)) return lastUserText(body.messages);
  if (endpoint === 'responses') {
    if (typeof body.input === 'string') return body.input;
    if (Array.isArray(body.input)) return lastUserText(body.input);
  }
  if (endpoint === 'embeddings') {
    if (typeof body.input === 'string') return body.input;
    if (Array.isArray(body.input)) return body.input.filter((x) => typeof x === 'string').join('\n');
  }
  return '';
}

/** Rough token count (≈4 characters a token) for estimates when a stream ended before usage arrived. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
