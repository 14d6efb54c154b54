import { describe, expect, it } from 'vitest';
import { isValidTimeZone, periodsAt } from './periods';

describe('budget periods', () => {
  it('names the local day and month and finds the next local midnight', () => {
    const ts = Date.parse('2026-03-14T22:30:00Z');
    expect(periodsAt(ts, 'UTC')).toEqual({
      day: '2026-03-14', month: '2026-03',
      dayResetsAt: Date.parse('2026-03-15T00:00:00Z'), monthResetsAt: Date.parse('2026-04-01T00:00:00Z'),
    });
    // Berlin is already on the 14th's late evening; Tokyo is on the 15th
    expect(periodsAt(ts, 'Europe/Berlin').dayResetsAt).toBe(Date.parse('2026-03-14T23:00:00Z'));
    expect(periodsAt(ts, 'Asia/Tokyo').day).toBe('2026-03-15');
    expect(periodsAt(ts, 'Asia/Tokyo').dayResetsAt).toBe(Date.parse('2026-03-15T15:00:00Z'));
    expect(periodsAt(ts, 'Asia/Kolkata').dayResetsAt).toBe(Date.parse('2026-03-15T18:30:00Z'));
  });

  it('puts midnight right across DST changes', () => {
    // New York springs forward on 2026-03-08 (EST -5 until 02:00, then EDT -4)
    const beforeSpring = Date.parse('2026-03-08T04:00:00Z'); // 23:00 on the 7th, EST
    expect(periodsAt(beforeSpring, 'America/New_York')).toMatchObject({ day: '2026-03-07', dayResetsAt: Date.parse('2026-03-08T05:00:00Z') });
    const afterSpring = Date.parse('2026-03-08T12:00:00Z');
    expect(periodsAt(afterSpring, 'America/New_York').dayResetsAt).toBe(Date.parse('2026-03-09T04:00:00Z'));
    // falls back on 2026-11-01: a 25-hour day
    const fallDay = Date.parse('2026-11-01T12:00:00Z');
    expect(periodsAt(fallDay, 'America/New_York').dayResetsAt).toBe(Date.parse('2026-11-02T05:00:00Z'));
  });

  it('starts a day at its first minute when a DST jump swallows midnight', () => {
    // Santiago springs forward at 24:00 on 2026-09-05 → 2026-09-06 starts at 01:00 local (-03)
    const eve = Date.parse('2026-09-06T02:00:00Z'); // 22:00 on the 5th, -04
    expect(periodsAt(eve, 'America/Santiago').dayResetsAt).toBe(Date.parse('2026-09-06T04:00:00Z'));
    expect(periodsAt(Date.parse('2026-09-06T04:00:00Z'), 'America/Santiago').day).toBe('2026-09-06');
  });

  it('rolls the month and the year over', () => {
    const p = periodsAt(Date.parse('2026-12-31T23:59:59Z'), 'UTC');
    expect(p).toMatchObject({ day: '2026-12-31', month: '2026-12', monthResetsAt: Date.parse('2027-01-01T00:00:00Z') });
  });

  it('knows which zones exist', () => {
    expect(isValidTimeZone('Europe/Berlin')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
  });
});
