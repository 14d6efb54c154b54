import { describe, expect, it } from 'vitest';
import type { BudgetAlertEvent } from '../../shared/api/events';
import { createAlertDeduper, describeBudgetAlert, formatResetTime } from './budget-notification';

const at = (threshold: number, overrides: Partial<BudgetAlertEvent> = {}): BudgetAlertEvent => ({
  type: 'budget-alert', project: 'checkout', period: 'daily', threshold,
  spentUsd: (threshold / 100) * 5, capUsd: 5, resetAt: 1_800_000_000_000, ts: 1_799_990_000_000, ...overrides,
});
const time = (ms: number) => `at <${ms}>`;

describe('budget notifications', () => {
  it('stays quiet at 50 % and below', () => {
    expect(describeBudgetAlert(at(50), time)).toBeNull();
    expect(describeBudgetAlert(at(79.9), time)).toBeNull();
    expect(describeBudgetAlert(at(Number.NaN), time)).toBeNull();
  });

  it('warns at 80 % with spend, cap and reset time', () => {
    const text = describeBudgetAlert(at(80), time);
    expect(text?.title).toBe('checkout at 80 % of its daily cap');
    expect(text?.body).toBe('$4.00 of $5.00 spent; resets at <1800000000000>.');
  });

  it('says the cap is reached at 100 % and what to do', () => {
    const text = describeBudgetAlert(at(100, { period: 'monthly', spentUsd: 50.2, capUsd: 50 }), time);
    expect(text?.title).toBe('checkout reached its monthly cap');
    expect(text?.body).toContain('$50.20 of $50.00 spent');
    expect(text?.body).toContain('Raise the cap');
  });

  it('names the end-user or feature whose own cap it is, and rings for each apart', () => {
    const alice = at(100, { scope: 'user', scopeKey: 'alice' });
    expect(describeBudgetAlert(alice, time)?.title).toBe('checkout: user alice reached the per-user daily cap');
    expect(describeBudgetAlert(at(80, { scope: 'feature', scopeKey: 'search' }), time)?.title)
      .toBe('checkout: feature search at 80 % of the per-feature daily cap');
    const dedupe = createAlertDeduper();
    expect(dedupe.isFirst(alice)).toBe(true);
    expect(dedupe.isFirst(at(100, { scope: 'user', scopeKey: 'bob' }))).toBe(true);
    expect(dedupe.isFirst(at(100))).toBe(true);
    expect(dedupe.isFirst(alice)).toBe(false);
  });

  it('explains a tripped spend-rate breaker', () => {
    const text = describeBudgetAlert(at(100, { period: 'velocity', spentUsd: 2, capUsd: 1 }), time);
    expect(text?.title).toBe('checkout: spending paused');
    expect(text?.body).toContain('$1.00/min');
  });

  it('rings once per project, period, threshold and reset', () => {
    const dedupe = createAlertDeduper();
    expect(dedupe.isFirst(at(80))).toBe(true);
    expect(dedupe.isFirst(at(80))).toBe(false);
    expect(dedupe.isFirst(at(100))).toBe(true);
    expect(dedupe.isFirst(at(80, { period: 'monthly' }))).toBe(true);
    expect(dedupe.isFirst(at(80, { project: 'search' }))).toBe(true);
    expect(dedupe.isFirst(at(80, { resetAt: 1_800_086_400_000 }))).toBe(true);
  });

  it('forgets the oldest alerts beyond its limit instead of growing forever', () => {
    const dedupe = createAlertDeduper(2);
    dedupe.isFirst(at(80, { project: 'a' }));
    dedupe.isFirst(at(80, { project: 'b' }));
    dedupe.isFirst(at(80, { project: 'c' }));
    expect(dedupe.isFirst(at(80, { project: 'c' }))).toBe(false);
    expect(dedupe.isFirst(at(80, { project: 'a' }))).toBe(true);
  });
});

describe('reset time', () => {
  it('gives a clock time within a day and a date beyond', () => {
    const now = Date.UTC(2026, 11, 3, 12, 0);
    expect(formatResetTime(now + 2 * 3600_000, now, 'en-GB')).toMatch(/^at \d\d:\d\d$/);
    expect(formatResetTime(Date.UTC(2027, 0, 1, 12), now, 'en-GB')).toBe('on 1 Jan');
  });
});
