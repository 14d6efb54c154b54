import { createHash } from 'node:crypto';
import { preamble } from './behaviour.js';
import { errorBody, RATE_LIMIT_OK_HEADERS, sendError, sendJson } from './http.js';
import { applyUsageOverride } from './usage.js';
import type { Ctx } from './types.js';

export const EMBEDDING_DIMS = 8;

/** Deterministic unit vector for `text`, so cache tests can compare embeddings exactly. */
export function mockEmbedding(text: string): number[] {
  const digest = createHash('sha256').update(text).digest();
  const raw = Array.from({ length: EMBEDDING_DIMS }, (_, i) => digest.readUInt32LE(i * 4) / 0xffffffff - 0.5);
  const norm = Math.hypot(...raw) || 1;
  // Round through float32 so the float and base64 encodings carry identical values.
  return Array.from(new Float32Array(raw.map((v) => v / norm)));
}

export function toBase64(vec: number[]): string {
  const buf = Buffer.alloc(vec.length * 4);
  vec.forEach((v, i) => buf.writeFloatLE(v, i * 4));
  return buf.toString('base64');
}

interface EmbeddingInput {
  text: string;
  tokens: number;
}

function normalizeInput(input: unknown): EmbeddingInput[] | undefined {
  const fromString = (s: string): EmbeddingInput => ({ text: s, tokens: Math.max(1, Math.ceil(s.length / 4)) });
  const fromTokens = (t: number[]): EmbeddingInput => ({ text: t.join(' '), tokens: t.length });
  if (typeof input === 'string') return [fromString(input)];
  if (!Array.isArray(input) || input.length === 0) return undefined;
  if (input.every((x) => typeof x === 'number')) return [fromTokens(input as number[])];
  const out: EmbeddingInput[] = [];
  for (const x of input) {
    if (typeof x === 'string') out.push(fromString(x));
    else if (Array.isArray(x) && x.every((t) => typeof t === 'number')) out.push(fromTokens(x));
    else return undefined;
  }
  return out;
}

export async function handleEmbeddings(ctx: Ctx): Promise<void> {
  const body = ctx.body;
  if (typeof body?.model !== 'string' || body.model === '') {
    sendError(ctx, 400, errorBody('you must provide a model parameter', 'invalid_request_error'));
    return;
  }
  const inputs = normalizeInput(body.input);
  if (!inputs) {
    sendError(ctx, 400, errorBody("'input' : input must be a string, an array of strings, or token arrays, and not empty.", 'invalid_request_error', 'input', 'invalid_value'));
    return;
  }
  const format = body.encoding_format ?? 'float';
  if (format !== 'float' && format !== 'base64') {
    sendError(ctx, 400, errorBody(`Invalid value for 'encoding_format': '${String(format)}'.`, 'invalid_request_error', 'encoding_format', 'invalid_value'));
    return;
  }
  if (await preamble(ctx, body.model, false)) return;

  const promptTokens = applyUsageOverride(ctx, {
    prompt: inputs.reduce((n, i) => n + i.tokens, 0),
    completion: 0,
    cached: 0,
    reasoning: 0,
  }).prompt;
  sendJson(
    ctx,
    200,
    {
      object: 'list',
      data: inputs.map((input, index) => {
        const vec = mockEmbedding(input.text);
        return { object: 'embedding', index, embedding: format === 'base64' ? toBase64(vec) : vec };
      }),
      model: body.model,
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
    },
    RATE_LIMIT_OK_HEADERS,
  );
}

export function handleModels(ctx: Ctx): void {
  const model = (id: string, created: number) => ({ id, object: 'model', created, owned_by: 'system' });
  sendJson(ctx, 200, {
    object: 'list',
    data: [model('gpt-4o', 1715367049), model('gpt-4o-mini', 1721172741), model('text-embedding-3-small', 1705948997)],
  });
}
