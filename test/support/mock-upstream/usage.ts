import { headerValue } from './http.js';
import type { Ctx } from './types.js';

export interface Tokens {
  prompt: number;
  completion: number;
  cached: number;
  reasoning: number;
}

/** Text of a chat/responses content value: a string, or the joined `text` of its parts. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((p: any) => (p && typeof p.text === 'string' ? p.text : ''))
    .join('');
}

export function estimateTokens(messageContents: unknown[], answer: string): Tokens {
  const chars = messageContents.reduce<number>((n, c) => n + contentText(c).length, 0);
  return {
    prompt: Math.ceil(chars / 4) + 3 * messageContents.length,
    completion: Math.max(1, Math.ceil(answer.length / 4)),
    cached: 0,
    reasoning: 0,
  };
}

export class UsageHeaderError extends Error {}

/** Applies the `x-mock-usage` header so tests can pin exact token counts. */
export function applyUsageOverride(ctx: Ctx, tokens: Tokens): Tokens {
  const raw = headerValue(ctx, 'x-mock-usage');
  if (!raw) return tokens;
  let o: any;
  try {
    o = JSON.parse(raw);
  } catch {
    throw new UsageHeaderError(`x-mock-usage is not valid JSON: ${raw}`);
  }
  const pick = (...keys: string[]): number | undefined => {
    for (const k of keys) if (typeof o?.[k] === 'number') return o[k];
    return undefined;
  };
  return {
    prompt: pick('prompt_tokens', 'input_tokens') ?? tokens.prompt,
    completion: pick('completion_tokens', 'output_tokens') ?? tokens.completion,
    cached: pick('cached_tokens') ?? tokens.cached,
    reasoning: pick('reasoning_tokens') ?? tokens.reasoning,
  };
}

export function chatUsage(t: Tokens) {
  return {
    prompt_tokens: t.prompt,
    completion_tokens: t.completion,
    total_tokens: t.prompt + t.completion,
    prompt_tokens_details: { cached_tokens: t.cached, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: t.reasoning,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

export function responsesUsage(t: Tokens) {
  return {
    input_tokens: t.prompt,
    input_tokens_details: { cached_tokens: t.cached },
    output_tokens: t.completion,
    output_tokens_details: { reasoning_tokens: t.reasoning },
    total_tokens: t.prompt + t.completion,
  };
}
