import { describe, expect, it } from 'vitest';
import { scoreComplexity } from './complexity';

const chat = (content: string, extra: Record<string, unknown> = {}) => ({ model: 'm', messages: [{ role: 'user', content }], ...extra });

describe('scoreComplexity', () => {
  it('scores a greeting near zero and a long reasoning prompt with code high', () => {
    expect(scoreComplexity('chat.completions', chat('hi')).score).toBeLessThan(0.1);
    const hard = scoreComplexity('chat.completions', chat(
      'Analyze step by step why this algorithm is slow and compare the trade-offs:\n```py\ndef f(x):\n  return sorted(x)\n```\n' + 'More context. '.repeat(400)));
    expect(hard.score).toBeGreaterThan(0.6);
    expect(hard.signals).toEqual(expect.arrayContaining(['code', expect.stringMatching(/reasoning cue/), expect.stringMatching(/^length/)]));
  });

  it('counts tools, structured output and reasoning effort', () => {
    const base = scoreComplexity('chat.completions', chat('what is the weather')).score;
    const tools = scoreComplexity('chat.completions', chat('what is the weather', { tools: [{ type: 'function', function: { name: 'w' } }] }));
    expect(tools.score).toBeCloseTo(base + 0.15, 5);
    expect(scoreComplexity('chat.completions', chat('x', { response_format: { type: 'json_schema' } })).signals).toContain('response_format json_schema');
    expect(scoreComplexity('responses', { model: 'm', input: 'x', reasoning_effort: 'high' }).signals).toContain('reasoning_effort high');
  });

  it('stays within 0..1', () => {
    const s = scoreComplexity('chat.completions', chat('prove derive analyze compare optimize debug algorithm architecture plan ```x``` '.repeat(500),
      { tools: [{}], response_format: { type: 'json_object' }, reasoning_effort: 'high' }));
    expect(s.score).toBe(1);
  });
});
