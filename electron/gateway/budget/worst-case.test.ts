import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { describe, expect, it } from 'vitest';
import type { ModelPrice } from '../cost/pricing';
import { computeWorstCase, countInputTokens, maxOutputTokens, requestedOutputTokens } from './worst-case';

const price = (over: Partial<ModelPrice> = {}): ModelPrice =>
  ({ provider: 'openai', input: 0.15, cachedInput: 0.075, output: 0.6, maxOutput: 16384, contextWindow: 128000, source: 'x', checked: '2025-01-01', ...over });

describe('worst-case cost', () => {
  it('counts chat input with the real tokenizer plus the chat framing', () => {
    const text = 'The quick brown fox jumps over the lazy dog. Ünïcödé and 東京 too.';
    const body = { model: 'gpt-4o-mini', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: text }] };
    const expected = 3 + 2 * 4 + countTokens('system') + countTokens('Be brief.') + countTokens('user') + countTokens(text);
    expect(countInputTokens('chat.completions', body, 'gpt-4o-mini', price())).toBe(expected);
  });

  it('counts tools, tool calls, text parts and images', () => {
    const tools = [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } } }];
    const body = {
      model: 'gpt-4o', tools,
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'what is this?' }, { type: 'image_url', image_url: { url: 'https://x/y.png' } }] },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'lookup', arguments: '{"q":"cat"}' } }] },
      ],
    };
    const n = countInputTokens('chat.completions', body, 'gpt-4o', price());
    expect(n).toBeGreaterThan(2048 + countTokens(JSON.stringify(tools)) + countTokens('what is this?'));
  });

  it('stays fast and bounded on pathological input', () => {
    const body = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x'.repeat(400_000) }] };
    const n = countInputTokens('chat.completions', body, 'gpt-4o-mini', price());
    // never fewer tokens than the real count of the first part; never more than one per byte
    expect(n).toBeGreaterThan(countTokens('x'.repeat(1000)) * 256);
    expect(n).toBeLessThanOrEqual(400_000 + 20);
  });

  it('bounds the output by max_tokens, max_completion_tokens, n, and else the model limit', () => {
    const body = (extra: Record<string, unknown>) => ({ model: 'm', messages: [], ...extra });
    expect(maxOutputTokens('chat.completions', body({ max_tokens: 50 }), price(), 10)).toBe(50);
    expect(maxOutputTokens('chat.completions', body({ max_completion_tokens: 70, max_tokens: 50 }), price(), 10)).toBe(70);
    expect(maxOutputTokens('chat.completions', body({ max_tokens: 50, n: 3 }), price(), 10)).toBe(150);
    expect(maxOutputTokens('chat.completions', body({}), price(), 10)).toBe(16384);
    expect(maxOutputTokens('chat.completions', body({ max_tokens: 10 ** 9 }), price(), 10)).toBe(16384);
    expect(maxOutputTokens('chat.completions', body({}), price({ maxOutput: undefined, contextWindow: 8000 }), 1000)).toBe(7000);
    expect(maxOutputTokens('responses', { max_output_tokens: 40 }, price(), 10)).toBe(40);
    expect(maxOutputTokens('embeddings', { input: 'x' }, price(), 10)).toBe(0);
    expect(requestedOutputTokens('chat.completions', body({}))).toBeNull();
  });

  it('prices input at the dearest input rate and output at the output rate, rounded up', () => {
    const body = { model: 'claude-x', messages: [{ role: 'user', content: 'hi' }], max_tokens: 1000 };
    const anthropic = price({ provider: 'anthropic', input: 3, cacheWrite: 3.75, output: 15 });
    const w = computeWorstCase('chat.completions', body, 'claude-x', anthropic);
    expect(w.outputTokens).toBe(1000);
    expect(w.usd).toBeGreaterThanOrEqual((w.inputTokens * 3.75 + 1000 * 15) / 1e6);
    // no public Claude tokenizer here: o200k plus a margin
    expect(w.inputTokens).toBeGreaterThan(countInputTokens('chat.completions', body, 'gpt-4o', price()));
  });
});
