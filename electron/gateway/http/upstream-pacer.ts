import type { IncomingHttpHeaders } from 'node:http';
import { readRetryAfterMs } from '../routing/retry-policy';

interface Window { limit: number | null; remaining: number | null; resetAt: number; period: number }

interface KeyState { requests: Window; tokens: Window; blockedUntil: number }

/** "6ms", "1s", "1m30s", "2h0m0.5s" (OpenAI) or an RFC 3339 time (Anthropic) → ms from now; null if unreadable. */
export function parseResetMs(value: string | undefined, now: number): number | null {
  if (!value) return null;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const parts = value.match(/(\d+(?:\.\d+)?)(ms|h|m|s)/g);
  if (parts && parts.join('') === value) {
    let ms = 0;
    for (const p of parts) {
      const [, n, unit] = /^(\d+(?:\.\d+)?)(ms|h|m|s)$/.exec(p)!;
      ms += Number(n) * (unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3_600_000);
    }
    return ms;
  }
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now) : null;
}

function header(h: IncomingHttpHeaders, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

function num(v: string | undefined): number | null {
  if (v === undefined || v === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

const MAX_TRACKED = 10_000;

/** A paced wait, cancellable when the client leaves; resolves false when cancelled. */
export type Sleep = (ms: number, cancel?: { aborted: boolean; onAbort: (() => void) | null }) => Promise<boolean>;

export const realSleep: Sleep = (ms, cancel) => new Promise((resolve) => {
  if (cancel?.aborted) return resolve(false);
  const prev = cancel?.onAbort ?? null;
  const timer = setTimeout(() => { if (cancel) cancel.onAbort = prev; resolve(true); }, ms);
  if (cancel) cancel.onAbort = () => { clearTimeout(timer); cancel.onAbort = prev; prev?.(); resolve(false); };
});

/**
 * Keeps each provider key inside the quota its provider advertises. Every answer's x-ratelimit-limit/
 * remaining/reset-{requests,tokens} (or Anthropic's anthropic-ratelimit-*) and any retry-after update the key's
 * state; before a call, `acquire` waits until the key has room, so the user's own quota is not hit. A wait
 * longer than the client's deadline is not taken: the call goes out and the provider decides.
 */
export function createUpstreamPacer(now: () => number, sleep: Sleep = realSleep) {
  const keys = new Map<string, KeyState>();
  const stateOf = (key: string) => {
    let s = keys.get(key);
    if (!s) {
      // model names come from clients: keep the map bounded (the oldest quotas are re-learnt from the next answer)
      if (keys.size >= MAX_TRACKED) keys.delete(keys.keys().next().value!);
      s = { requests: { limit: null, remaining: null, resetAt: 0, period: 0 }, tokens: { limit: null, remaining: null, resetAt: 0, period: 0 }, blockedUntil: 0 };
      keys.set(key, s);
    }
    return s;
  };

  function readWindow(w: Window, h: IncomingHttpHeaders, kind: 'requests' | 'tokens', t: number) {
    const limit = num(header(h, `x-ratelimit-limit-${kind}`) ?? header(h, `anthropic-ratelimit-${kind}-limit`));
    const remaining = num(header(h, `x-ratelimit-remaining-${kind}`) ?? header(h, `anthropic-ratelimit-${kind}-remaining`));
    const reset = parseResetMs(header(h, `x-ratelimit-reset-${kind}`) ?? header(h, `anthropic-ratelimit-${kind}-reset`), t);
    if (remaining === null) return;
    const resetAt = t + (reset ?? (w.period || 1000));
    // same window as we already count in: our own count also knows the calls the provider has not seen yet
    const sameWindow = w.remaining !== null && t < w.resetAt && Math.abs(resetAt - w.resetAt) <= Math.max(100, w.period / 5);
    w.remaining = sameWindow ? Math.min(w.remaining!, remaining) : remaining;
    w.limit = limit;
    w.resetAt = resetAt;
    // a reset is the time left in the window; the longest one seen is the closest guess at the window itself
    if (reset !== null && reset > w.period) w.period = reset;
  }

  /** ms until the window has room for `need`, 0 now; a passed reset refills it to its limit */
  function waitFor(w: Window, need: number, t: number): number {
    if (w.remaining === null) return 0;
    if (t >= w.resetAt) {
      // the window has passed: full again until the provider says otherwise
      w.remaining = w.limit;
      w.resetAt = t + (w.period || 1000);
      if (w.remaining === null) return 0;
    }
    return w.remaining >= need ? 0 : Math.max(1, w.resetAt - t);
  }

  return {
    /** what the provider said about this key's quota (any status) */
    observe(key: string, headers: IncomingHttpHeaders | Record<string, string>, status: number): void {
      const t = now();
      const s = stateOf(key);
      readWindow(s.requests, headers as IncomingHttpHeaders, 'requests', t);
      readWindow(s.tokens, headers as IncomingHttpHeaders, 'tokens', t);
      if (status === 429) {
        const after = readRetryAfterMs(headers, t) ?? parseResetMs(header(headers as IncomingHttpHeaders, 'x-ratelimit-reset-requests'), t) ?? 1000;
        s.blockedUntil = Math.max(s.blockedUntil, t + after);
      }
    },

    /** ms this key would have to wait now for a call of `tokens` tokens */
    delayFor(key: string, tokens: number): number {
      const s = keys.get(key);
      if (!s) return 0;
      const t = now();
      return Math.max(s.blockedUntil - t, waitFor(s.requests, 1, t), waitFor(s.tokens, tokens, t), 0);
    },

    /** takes a slot when the key has room right now (true); false means the caller should `acquire` */
    tryTake(key: string, tokens: number): boolean {
      const s = keys.get(key);
      if (!s) return true;
      if (this.delayFor(key, tokens) > 0) return false;
      if (s.requests.remaining !== null) s.requests.remaining--;
      if (s.tokens.remaining !== null) s.tokens.remaining -= tokens;
      return true;
    },

    /**
     * Waits (up to `deadline`, epoch ms) until the key has room for one call of `tokens`, then takes it.
     * Returns the ms waited; false when the client left meanwhile.
     */
    async acquire(key: string, tokens: number, deadline: number, cancel?: { aborted: boolean; onAbort: (() => void) | null }): Promise<number | false> {
      let waited = 0;
      const window = deadline - now();
      for (;;) {
        const delay = this.delayFor(key, tokens);
        if (delay <= 0 || now() + delay > deadline || waited + delay > window) break;
        if (!(await sleep(delay, cancel))) return false;
        waited += delay;
      }
      const s = keys.get(key);
      if (s) {
        if (s.requests.remaining !== null) s.requests.remaining--;
        if (s.tokens.remaining !== null) s.tokens.remaining -= tokens;
      }
      return waited;
    },
  };
}

export type UpstreamPacer = ReturnType<typeof createUpstreamPacer>;
