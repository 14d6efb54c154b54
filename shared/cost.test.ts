import { describe, expect, it } from 'vitest';
import { formatUsd } from './cost';

describe('formatUsd', () => {
  it.each([
    [null, 'unpriced'], [0, '$0'], [12.345, '$12.35'], [0.0143, '$0.0143'], [0.00061, '$0.00061'],
    [4e-8, '$0.00000004'], [0.0000071, '$0.0000071'], [-0.5, '-$0.5000'],
  ])('%s → %s', (usd, text) => {
    expect(formatUsd(usd)).toBe(text);
  });
});
