export interface BreakerOptions {
  /** consecutive failures that open the breaker */
  failureThreshold: number;
  /** how long an open target is skipped before one probe may go through */
  cooldownMs: number;
}

type State = 'closed' | 'open' | 'half-open';

const MAX_TRACKED = 10_000;

interface Breaker { state: State; failures: number; openedAt: number; probing: boolean }

/**
 * One circuit breaker per target (provider/model): after `failureThreshold` failures in a row the target is
 * skipped for `cooldownMs`; then a single request probes it (half-open) and its outcome closes or reopens it.
 * The clock is injected so tests move time instead of sleeping.
 */
export function createBreakers(opts: BreakerOptions, now: () => number) {
  const breakers = new Map<string, Breaker>();
  const get = (target: string) => {
    let b = breakers.get(target);
    if (!b) {
      // targets come from client model names: keep the map bounded, forgetting the oldest
      if (breakers.size >= MAX_TRACKED) breakers.delete(breakers.keys().next().value!);
      b = { state: 'closed', failures: 0, openedAt: 0, probing: false };
      breakers.set(target, b);
    }
    return b;
  };

  return {
    /** may a request go to this target now? A true for a half-open target makes the caller its probe. */
    allow(target: string): boolean {
      const b = breakers.get(target);
      if (!b || b.state === 'closed') return true;
      if (b.state === 'open' && now() - b.openedAt >= opts.cooldownMs) { b.state = 'half-open'; b.probing = false; }
      if (b.state === 'half-open' && !b.probing) { b.probing = true; return true; }
      return false;
    },
    onSuccess(target: string): void {
      const b = breakers.get(target);
      if (b) { b.state = 'closed'; b.failures = 0; b.probing = false; }
    },
    onFailure(target: string): void {
      const b = get(target);
      b.failures++;
      if (b.state === 'half-open' || b.failures >= opts.failureThreshold) {
        b.state = 'open';
        b.openedAt = now();
        b.probing = false;
      }
    },
    /** the request neither proved nor disproved the target: a probe it held goes back for the next request */
    onAbandon(target: string): void {
      const b = breakers.get(target);
      if (b && b.state === 'half-open') b.probing = false;
    },
    /** ms until an open target may be probed; 0 when it may be tried now */
    cooldownLeft(target: string): number {
      const b = breakers.get(target);
      if (!b || b.state !== 'open') return 0;
      return Math.max(0, opts.cooldownMs - (now() - b.openedAt));
    },
    stateOf(target: string): State { return breakers.get(target)?.state ?? 'closed'; },
  };
}

export type Breakers = ReturnType<typeof createBreakers>;
