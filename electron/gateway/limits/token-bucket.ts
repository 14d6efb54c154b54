/** whole ms, rounded up, without float noise turning 1.0000000001 into 2 */
const ceilMs = (ms: number) => Math.ceil(ms - 1e-6);

/**
 * A token bucket: `capacity` tokens at most (the burst), refilled continuously at `perMinute`.
 * Time comes from the caller, so tests drive it with an injected clock.
 */
export class TokenBucket {
  tokens: number;
  private updatedAt: number;

  constructor(readonly capacity: number, readonly perMinute: number, now: number, startWith = capacity) {
    this.tokens = Math.min(capacity, startWith);
    this.updatedAt = now;
  }

  private refill(now: number) {
    if (now > this.updatedAt) {
      this.tokens = Math.min(this.capacity, this.tokens + ((now - this.updatedAt) * this.perMinute) / 60_000);
    }
    this.updatedAt = Math.max(this.updatedAt, now);
  }

  /** ms until `n` tokens are there (0: now; Infinity: never, n is above the capacity) */
  waitFor(n: number, now: number): number {
    this.refill(now);
    if (n > this.capacity) return Infinity;
    if (this.tokens >= n) return 0;
    return ceilMs(((n - this.tokens) * 60_000) / this.perMinute);
  }

  take(n: number, now: number) {
    this.refill(now);
    this.tokens -= n;
  }

  /** gives back (or, negative, charges more than) what was taken, once the real amount is known */
  adjust(n: number, now: number) {
    this.refill(now);
    this.tokens = Math.min(this.capacity, this.tokens + n);
  }

  /** ms until the bucket is full again */
  resetMs(now: number): number {
    this.refill(now);
    return this.tokens >= this.capacity ? 0 : ceilMs(((this.capacity - this.tokens) * 60_000) / this.perMinute);
  }
}

/** Go-style durations as OpenAI writes them in x-ratelimit-reset-*: "20ms", "1.5s", "6m0s". */
export function formatResetDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.ceil(ms))}ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(3))}s`;
  const m = Math.floor(ms / 60_000);
  return `${m}m${Number(((ms - m * 60_000) / 1000).toFixed(3))}s`;
}
