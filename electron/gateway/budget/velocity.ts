const WINDOW_MS = 60_000;
export const DEFAULT_COOLDOWN_SEC = 60;

/** spend in the rolling minute: entries from `head` on (a queue without O(n) shifts) */
interface Track { window: Array<{ ts: number; usd: number }>; head: number; sum: number; trippedUntil: number }

/**
 * Spend-velocity breaker: settled USD per rolling minute per project. Crossing the ceiling trips it, and the
 * project is refused for the cool-down — a runaway loop stops burning money within a minute of starting.
 */
export function createVelocityBreaker(now: () => number) {
  const byProject = new Map<string, Track>();

  function track(project: string, ts: number): Track {
    let t = byProject.get(project);
    if (!t) { t = { window: [], head: 0, sum: 0, trippedUntil: 0 }; byProject.set(project, t); }
    while (t.head < t.window.length && t.window[t.head]!.ts <= ts - WINDOW_MS) t.sum -= t.window[t.head++]!.usd;
    if (t.head === t.window.length) { t.window = []; t.head = 0; t.sum = 0; }
    else if (t.head > 1024 && t.head * 2 > t.window.length) { t.window = t.window.slice(t.head); t.head = 0; }
    return t;
  }

  return {
    /** Adds settled spend; returns the end of the cool-down when this spend tripped the breaker. */
    add(project: string, usd: number, limitUsdPerMin: number | null | undefined, cooldownSec: number | null | undefined): { until: number; usdLastMinute: number } | null {
      const ts = now();
      const t = track(project, ts);
      t.window.push({ ts, usd });
      t.sum += usd;
      if (limitUsdPerMin == null || t.sum <= limitUsdPerMin || t.trippedUntil > ts) return null;
      t.trippedUntil = ts + (cooldownSec ?? DEFAULT_COOLDOWN_SEC) * 1000;
      return { until: t.trippedUntil, usdLastMinute: t.sum };
    },
    /** End of the running cool-down, or null when the project may spend. */
    trippedUntil(project: string): number | null {
      const t = byProject.get(project);
      return t && t.trippedUntil > now() ? t.trippedUntil : null;
    },
    usdLastMinute(project: string): number {
      return byProject.has(project) ? Math.max(0, track(project, now()).sum) : 0;
    },
    /** an admin raising or clearing the ceiling ends a running cool-down */
    reset(project: string) {
      const t = byProject.get(project);
      if (t) t.trippedUntil = 0;
    },
  };
}

export type VelocityBreaker = ReturnType<typeof createVelocityBreaker>;
