import { createHash } from 'node:crypto';
import type { Endpoint } from '../../../shared/api/dto';
import { pickKeyFields } from '../cache/cache-key';
import { toCanonicalJson } from '../cache/canonical-json';

type Json = Record<string, unknown>;

/** What the semantic layer compares: the last user turn's text, and a hash of everything else. */
export interface SemanticContext {
  text: string;
  /** namespace + endpoint + every answer-changing field except the last user turn's text */
  contextKey: string;
}

const MAX_TEXT_CHARS = 2000;

/** Text of a message's content, or null when it carries more than text (an image, audio, a file). */
function textOnly(content: unknown): string | null {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return null;
  const parts: string[] = [];
  for (const p of content) {
    if (!p || typeof p !== 'object') return null;
    const part = p as Json;
    if ((part.type === 'text' || part.type === 'input_text') && typeof part.text === 'string') parts.push(part.text);
    else return null;
  }
  return parts.join('\n');
}

/** Splits a turn list into its last user turn (the intent) and the rest (must match exactly). */
function splitLastTurn(items: unknown[]): { text: string; rest: unknown[]; turn: Json } | null {
  const last = items[items.length - 1] as Json | undefined;
  // a conversation that ends in a tool result or an assistant turn is not a question to paraphrase
  if (!last || typeof last !== 'object' || last.role !== 'user') return null;
  const text = textOnly(last.content);
  if (text === null || !text.trim() || text.length > MAX_TEXT_CHARS) return null;
  const { content: _content, ...turn } = last;
  return { text, rest: items.slice(0, -1), turn };
}

/**
 * The request's semantic identity, or null when it has none (embeddings, multimodal or tool-result turns,
 * very long prompts). Two requests may share a semantic hit only when their contextKey is equal: same
 * project namespace, endpoint, model, system prompt, earlier turns, tools and parameters.
 */
export function buildSemanticContext(namespace: string, endpoint: Endpoint, body: Json): SemanticContext | null {
  const fields = pickKeyFields(endpoint, body);
  let split: ReturnType<typeof splitLastTurn> = null;
  if (endpoint === 'chat.completions' && Array.isArray(body.messages)) {
    split = splitLastTurn(body.messages);
    if (split) fields.messages = [...split.rest, { ...split.turn, content: null }];
  } else if (endpoint === 'responses') {
    if (typeof body.input === 'string') split = body.input.trim() && body.input.length <= MAX_TEXT_CHARS ? { text: body.input, rest: [], turn: {} } : null;
    else if (Array.isArray(body.input)) split = splitLastTurn(body.input);
    if (split) fields.input = [...split.rest, { ...split.turn, content: null }];
  }
  if (!split) return null;
  const contextKey = createHash('sha256').update(namespace).update('\n').update(endpoint).update('\n')
    .update(toCanonicalJson(fields)).digest('hex').slice(0, 32);
  return { text: split.text, contextKey };
}
