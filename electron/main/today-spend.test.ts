import { describe, expect, it } from 'vitest';
import { createTodaySpend, formatTrayLabel } from './today-spend';

describe('tray label', () => {
  it('shows today\'s spend with the shared money format', () => {
    expect(formatTrayLabel(0, false)).toEqual({ title: '$0', tooltip: 'Tollgate: $0 spent today', menuLine: 'Today: $0' });
    expect(formatTrayLabel(12.345, false).title).toBe('$12.35');
    expect(formatTrayLabel(0.0042, false).menuLine).toBe('Today: $0.0042');
  });

  it('says when caching is paused', () => {
    expect(formatTrayLabel(1, true).tooltip).toBe('Tollgate: $1.00 spent today · caching paused');
    expect(formatTrayLabel(1, true).menuLine).toBe('Today: $1.00 · caching paused');
  });
});

describe('today\'s spend', () => {
  it('sums the projects from a sync, then follows spend events per project', () => {
    let day = '2026-12-03';
    const spend = createTodaySpend(() => day);
    spend.reset([{ key: 'a', costUsd: 1.5 }, { key: 'b', costUsd: 0.25 }], day);
    expect(spend.totalUsd()).toBe(1.75);

    expect(spend.apply({ type: 'spend', project: 'a', todayUsd: 2, monthUsd: 9 })).toBe(true);
    expect(spend.apply({ type: 'spend', project: 'c', todayUsd: 0.5, monthUsd: 0.5 })).toBe(true);
    expect(spend.totalUsd()).toBe(2.75);
    expect(spend.apply({ type: 'spend', project: 'c', todayUsd: 0.5, monthUsd: 0.5 })).toBe(false);
    expect(spend.apply({ type: 'hello', ts: 1 })).toBe(false);

    day = '2026-12-04';
    expect(spend.totalUsd()).toBe(0);
    spend.apply({ type: 'spend', project: 'b', todayUsd: 0.1, monthUsd: 3 });
    expect(spend.totalUsd()).toBe(0.1);
    expect(spend.day()).toBe('2026-12-04');
  });
});
