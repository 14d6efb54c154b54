import { isRecord } from '../../cost/pricing';
import { badRequest } from '../../errors';
import type { AnthropicBlock } from './content';

type Json = Record<string, unknown>;

/** OpenAI's reasoning_effort → Anthropic's thinking budget (the LiteLLM mapping; Anthropic's minimum is 1,024). */
const BUDGETS: Record<string, number> = { minimal: 1024, low: 1024, medium: 2048, high: 4096 };
const MIN_BUDGET = 1024;

/**
 * Extended thinking from `reasoning_effort` (or Anthropic's own `thinking` object, passed through), checked against
 * what the Messages API refuses with thinking on, so the client gets the reason in OpenAI's shape. Null: off.
 */
export function toThinking(body: Json, maxTokens: number, forcedTool: boolean): Json | null {
  let budget: number | null = null;
  if (body.thinking !== undefined && body.thinking !== null) {
    const t = body.thinking;
    if (!isRecord(t) || (t.type !== 'enabled' && t.type !== 'disabled')) throw badRequest('thinking must be {"type":"enabled","budget_tokens":N} or {"type":"disabled"}.', 'thinking');
    if (t.type === 'disabled') return null;
    if (typeof t.budget_tokens !== 'number' || !Number.isInteger(t.budget_tokens) || t.budget_tokens < MIN_BUDGET) {
      throw badRequest(`thinking.budget_tokens must be an integer of at least ${MIN_BUDGET}.`, 'thinking.budget_tokens');
    }
    budget = t.budget_tokens;
  } else if (body.reasoning_effort !== undefined && body.reasoning_effort !== null) {
    const effort = body.reasoning_effort;
    budget = typeof effort === 'string' && Object.hasOwn(BUDGETS, effort) ? BUDGETS[effort]! : null;
    if (budget === null) throw badRequest('reasoning_effort must be "minimal", "low", "medium" or "high".', 'reasoning_effort');
  }
  if (budget === null) return null;
  if (maxTokens <= MIN_BUDGET) throw badRequest(`With thinking on, Anthropic needs max_tokens above ${MIN_BUDGET} (it includes the thinking); got ${maxTokens}.`, 'max_tokens');
  // the budget is part of max_tokens and must stay below it
  budget = Math.min(budget, maxTokens - 1);
  if (body.temperature !== undefined && body.temperature !== null && body.temperature !== 1) {
    throw badRequest('Anthropic extended thinking runs at temperature 1 only: leave temperature out (or send 1) with reasoning_effort.', 'temperature');
  }
  if (body.top_k !== undefined && body.top_k !== null) throw badRequest('Anthropic extended thinking does not take top_k: leave it out with reasoning_effort.', 'top_k');
  if (typeof body.top_p === 'number' && body.top_p < 0.95) throw badRequest('Anthropic extended thinking takes top_p from 0.95 to 1 only.', 'top_p');
  if (forcedTool) {
    throw badRequest('Anthropic extended thinking cannot force a tool call: use tool_choice "auto" or "none" (and no json_schema response_format) with reasoning_effort.', 'tool_choice');
  }
  return { type: 'enabled', budget_tokens: budget };
}

/**
 * An assistant turn's thinking_blocks, sent back as they came (LiteLLM's field): Anthropic needs them, signature
 * and all, before the tool_use blocks of a turn whose tool results follow.
 */
export function toThinkingBlocks(blocks: unknown, param: string): AnthropicBlock[] {
  if (blocks === undefined || blocks === null) return [];
  if (!Array.isArray(blocks)) throw badRequest(`${param} must be an array of thinking blocks.`, param);
  return blocks.map((b: unknown, i) => {
    const where = `${param}[${i}]`;
    if (isRecord(b) && b.type === 'thinking' && typeof b.thinking === 'string' && typeof b.signature === 'string') {
      return { type: 'thinking', thinking: b.thinking, signature: b.signature };
    }
    if (isRecord(b) && b.type === 'redacted_thinking' && typeof b.data === 'string') return { type: 'redacted_thinking', data: b.data };
    throw badRequest(`${where} must be {"type":"thinking","thinking":...,"signature":...} or {"type":"redacted_thinking","data":...}, as the answer gave it.`, where);
  });
}

/** The thinking of an answer: its text as OpenAI-style reasoning_content, the blocks as they must come back. */
export function readThinking(blocks: Json[]): { reasoning: string | null; thinkingBlocks: Json[] } {
  const thinkingBlocks = blocks.filter((b) => b.type === 'thinking' || b.type === 'redacted_thinking')
    .map((b) => (b.type === 'thinking' ? { type: 'thinking', thinking: String(b.thinking ?? ''), signature: String(b.signature ?? '') } : { type: 'redacted_thinking', data: String(b.data ?? '') }));
  const text = thinkingBlocks.filter((b) => b.type === 'thinking').map((b) => b.thinking as string).join('');
  return { reasoning: thinkingBlocks.length > 0 ? text : null, thinkingBlocks };
}
