import { describe, expect, it } from 'vitest';
import { createBreakers } from './circuit-breaker';

describe('circuit breakers', () => {
  it('open after the threshold, let one probe through after the cooldown, close on its success', () => {
    let now = 0;
    const b = createBreakers({ failureThreshold: 2, cooldownMs: 1000 }, () => now);
    b.onFailure('t');
    expect(b.allow('t')).toBe(true);
    b.onFailure('t');
    expect(b.allow('t')).toBe(false);
    expect(b.cooldownLeft('t')).toBe(1000);
    now = 999;
    expect(b.allow('t')).toBe(false);
    now = 1000;
    expect(b.allow('t')).toBe(true); // the probe
    expect(b.allow('t')).toBe(false); // only one at a time
    b.onSuccess('t');
    expect(b.stateOf('t')).toBe('closed');
    expect(b.allow('t')).toBe(true);
  });

  it('reopens when the probe fails, and keeps targets apart', () => {
    let now = 0;
    const b = createBreakers({ failureThreshold: 1, cooldownMs: 500 }, () => now);
    b.onFailure('a');
    now = 600;
    expect(b.allow('a')).toBe(true);
    b.onFailure('a');
    expect(b.stateOf('a')).toBe('open');
    expect(b.cooldownLeft('a')).toBe(500);
    expect(b.allow('b')).toBe(true);
  });

  it('hands an undecided probe back, so the next request probes instead', () => {
    let now = 0;
    const b = createBreakers({ failureThreshold: 1, cooldownMs: 100 }, () => now);
    b.onFailure('t');
    now = 100;
    expect(b.allow('t')).toBe(true);
    expect(b.allow('t')).toBe(false);
    b.onAbandon('t');
    expect(b.allow('t')).toBe(true);
  });
});
