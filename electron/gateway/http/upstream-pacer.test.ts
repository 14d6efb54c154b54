import { describe, expect, it } from 'vitest';
import { createUpstreamPacer, parseResetMs, type Sleep } from './upstream-pacer';

describe('parseResetMs', () => {
  it("reads OpenAI's durations and Anthropic's timestamps", () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseResetMs('6ms', now)).toBe(6);
    expect(parseResetMs('1s', now)).toBe(1000);
    expect(parseResetMs('1m30s', now)).toBe(90_000);
    expect(parseResetMs('2h0m0.5s', now)).toBe(7_200_500);
    expect(parseResetMs('0.25', now)).toBe(250);
    expect(parseResetMs('2026-01-01T00:00:02Z', now)).toBe(2000);
    expect(parseResetMs('later', now)).toBeNull();
  });
});

/** A clock that only moves when the pacer sleeps: the waits it chose are the test's evidence. */
function fakeTime() {
  let now = 1_000_000;
  const waits: number[] = [];
  const sleep: Sleep = async (ms) => { waits.push(ms); now += ms; return true; };
  return { now: () => now, sleep, waits, advance: (ms: number) => { now += ms; } };
}

describe('upstream pacer', () => {
  it('lets calls through until the advertised remaining is used, then waits for the reset', async () => {
    const time = fakeTime();
    const pacer = createUpstreamPacer(time.now, time.sleep);
    pacer.observe('k', { 'x-ratelimit-limit-requests': '3', 'x-ratelimit-remaining-requests': '2', 'x-ratelimit-reset-requests': '800ms' }, 200);
    expect(pacer.tryTake('k', 1)).toBe(true);
    expect(pacer.tryTake('k', 1)).toBe(true);
    expect(pacer.tryTake('k', 1)).toBe(false);
    expect(await pacer.acquire('k', 1, time.now() + 5000)).toBe(800);
    expect(time.waits).toEqual([800]);
    // the window refilled to its limit (3): two more go at once
    expect(pacer.tryTake('k', 1)).toBe(true);
    expect(pacer.tryTake('k', 1)).toBe(true);
  });

  it('holds a key for the retry-after of a 429', async () => {
    const time = fakeTime();
    const pacer = createUpstreamPacer(time.now, time.sleep);
    pacer.observe('k', { 'retry-after': '2' }, 429);
    expect(pacer.delayFor('k', 1)).toBe(2000);
    expect(await pacer.acquire('k', 1, time.now() + 10_000)).toBe(2000);
    expect(pacer.delayFor('other', 1)).toBe(0);
  });

  it('paces tokens too, and never waits past the deadline', async () => {
    const time = fakeTime();
    const pacer = createUpstreamPacer(time.now, time.sleep);
    pacer.observe('k', { 'x-ratelimit-limit-tokens': '1000', 'x-ratelimit-remaining-tokens': '100', 'x-ratelimit-reset-tokens': '3s' }, 200);
    expect(pacer.tryTake('k', 50)).toBe(true);
    expect(pacer.tryTake('k', 80)).toBe(false);
    expect(await pacer.acquire('k', 80, time.now() + 1000)).toBe(0); // 3 s is past the 1 s deadline: go, let the provider decide
    expect(time.waits).toEqual([]);
  });

  it('does not let a late answer from the same window hand back slots already taken', () => {
    const time = fakeTime();
    const pacer = createUpstreamPacer(time.now, time.sleep);
    const h = (remaining: number, reset: string) => ({ 'x-ratelimit-limit-requests': '5', 'x-ratelimit-remaining-requests': String(remaining), 'x-ratelimit-reset-requests': reset });
    pacer.observe('k', h(4, '1s'), 200);
    for (let i = 0; i < 4; i++) expect(pacer.tryTake('k', 1)).toBe(true);
    time.advance(100);
    pacer.observe('k', h(3, '900ms'), 200); // the provider has only seen 2 of ours so far
    expect(pacer.tryTake('k', 1)).toBe(false);
  });
});
