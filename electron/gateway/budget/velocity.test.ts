import { describe, expect, it } from 'vitest';
import { createVelocityBreaker } from './velocity';

describe('spend-velocity breaker', () => {
  it('trips on spend per rolling minute, holds for the cool-down, and forgets spend older than a minute', () => {
    let now = 0;
    const v = createVelocityBreaker(() => now);
    expect(v.add('p', 0.4, 1, 30)).toBeNull();
    now = 30_000;
    expect(v.add('p', 0.4, 1, 30)).toBeNull();
    now = 61_000; // the first 0.4 left the window
    expect(v.add('p', 0.4, 1, 30)).toBeNull();
    expect(v.usdLastMinute('p')).toBeCloseTo(0.8, 12);
    expect(v.add('p', 0.3, 1, 30)).toEqual({ until: 91_000, usdLastMinute: expect.closeTo(1.1, 12) });
    expect(v.trippedUntil('p')).toBe(91_000);
    now = 91_000;
    expect(v.trippedUntil('p')).toBeNull();
  });

  it('keeps a long window cheap and exact', () => {
    let now = 0;
    const v = createVelocityBreaker(() => now);
    for (let i = 0; i < 5000; i++) { now = i * 20; v.add('p', 0.001, 1000, 60); }
    // the last minute holds 3000 entries of 0.001
    expect(v.usdLastMinute('p')).toBeCloseTo(3, 9);
  });
});
