import { describe, expect, it } from 'vitest';
import { formatResetDuration, TokenBucket } from './token-bucket';

describe('token bucket', () => {
  it('lets a burst through, then paces at the per-minute rate', () => {
    const b = new TokenBucket(3, 60, 0);
    for (let i = 0; i < 3; i++) {
      expect(b.waitFor(1, 0)).toBe(0);
      b.take(1, 0);
    }
    expect(b.waitFor(1, 0)).toBe(1000);
    expect(b.waitFor(1, 999)).toBe(1);
    expect(b.waitFor(1, 1000)).toBe(0);
    expect(b.resetMs(1000)).toBe(2000); // one of three back after 1 s
  });

  it('never holds more than its capacity and never admits more than it', () => {
    const b = new TokenBucket(10, 600, 0);
    expect(b.waitFor(11, 0)).toBe(Infinity);
    b.take(10, 0);
    expect(b.waitFor(10, 10_000_000)).toBe(0);
    expect(b.tokens).toBe(10);
  });

  it('settles to the real amount: refunds what was not used, charges what went over', () => {
    const b = new TokenBucket(1000, 1000, 0);
    b.take(800, 0);
    b.adjust(500, 0);
    expect(b.tokens).toBe(700);
    b.adjust(-900, 0);
    expect(b.waitFor(1, 0)).toBe(Math.ceil((201 * 60_000) / 1000));
  });

  it('ignores a clock that steps back', () => {
    const b = new TokenBucket(2, 60, 5000);
    b.take(2, 5000);
    expect(b.waitFor(1, 1000)).toBe(1000);
  });

  it('formats reset durations the way OpenAI does', () => {
    expect(formatResetDuration(6)).toBe('6ms');
    expect(formatResetDuration(1000)).toBe('1s');
    expect(formatResetDuration(1500)).toBe('1.5s');
    expect(formatResetDuration(360_000)).toBe('6m0s');
    expect(formatResetDuration(61_250)).toBe('1m1.25s');
  });
});
