import { describe, expect, it } from 'vitest';
import { formatTargetsText, parseTargetsText } from './alias-targets';

describe('alias targets text', () => {
  it('reads one target a line, in order, with optional weights', () => {
    expect(parseTargetsText('openai/gpt-4o-mini\n\n  anthropic/claude-haiku-4-5 3  \ngroq/llama weight=0.5\n')).toEqual({
      targets: ['openai/gpt-4o-mini', { model: 'anthropic/claude-haiku-4-5', weight: 3 }, { model: 'groq/llama', weight: 0.5 }],
    });
  });

  it('skips comments and CRLF line ends', () => {
    expect(parseTargetsText('# primary\r\nopenai/a # cheap\r\nopenai/b 0')).toEqual({ targets: ['openai/a', { model: 'openai/b', weight: 0 }] });
  });

  it('names the line of a bad weight or extra words', () => {
    expect(parseTargetsText('openai/a\nopenai/b heavy')).toEqual({ error: 'Line 2: the weight "heavy" must be a number ≥ 0.' });
    expect(parseTargetsText('openai/a -1')).toEqual({ error: 'Line 1: the weight "-1" must be a number ≥ 0.' });
    expect('error' in parseTargetsText('openai/a 1 2')).toBe(true);
  });

  it('refuses an empty list', () => {
    expect(parseTargetsText(' \n# nothing\n')).toEqual({ error: 'List at least one target, one "provider/model" a line.' });
  });

  it('writes weights only when not 1, and round-trips', () => {
    const targets = [{ model: 'openai/a', weight: 1 }, { model: 'anthropic/b', weight: 2.5 }];
    const text = formatTargetsText(targets);
    expect(text).toBe('openai/a\nanthropic/b 2.5');
    expect(parseTargetsText(text)).toEqual({ targets: ['openai/a', { model: 'anthropic/b', weight: 2.5 }] });
  });
});
