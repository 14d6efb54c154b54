import { describe, expect, it } from 'vitest';
import { findCloseNames } from './close-names';

describe('findCloseNames', () => {
  const names = ['gpt-4o', 'gpt-4o-mini', 'claude-sonnet-4-5', 'claude-haiku-4-5', 'groq/llama-3.3-70b'];
  it('finds typos and names behind a provider prefix, closest first', () => {
    expect(findCloseNames('gpt-4o-mnii', names)[0]).toBe('gpt-4o-mini');
    expect(findCloseNames('claude-sonet-4-5', names)).toEqual(['claude-sonnet-4-5']);
    expect(findCloseNames('anthropic/claude-haiku-4.5', names)[0]).toBe('claude-haiku-4-5');
    expect(findCloseNames('llama-3.3-70b', names)).toContain('groq/llama-3.3-70b');
  });
  it('says nothing when nothing is close', () => {
    expect(findCloseNames('totally-different', names)).toEqual([]);
  });
});
