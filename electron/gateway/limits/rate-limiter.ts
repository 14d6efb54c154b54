import type { ProjectLimits } from '../../../shared/api/dto';
import { formatResetDuration, TokenBucket } from './token-bucket';

/**
 * Rate limits per project and per end-user (requests/min and tokens/min, token buckets with burst) and a
 * concurrency cap per project. A request takes from every bucket or from none, so one refused by the user's
 * bucket costs the project's nothing. Optionally a request waits (FIFO, bounded) instead of being refused.
 */

/** whether any rate or concurrency limit applies to the project */
export function hasLimits(l: ProjectLimits): boolean {
  return l.rpm != null || l.tpm != null || l.concurrency != null || (l.perUser != null && (l.perUser.rpm != null || l.perUser.tpm != null));
}

export type LimitDimension = 'requests' | 'tokens' | 'concurrency';

export interface LimitRequest {
  project: string;
  user: string | null;
  limits: ProjectLimits;
  /** the request's token estimate (input + requested output), for tokens/min */
  tokens: number;
}

export interface Admission {
  /** response headers in OpenAI's naming (x-ratelimit-limit/remaining/reset-requests|tokens) */
  headers: Record<string, string>;
  /** frees the concurrency slot and trues the token buckets up to the real usage (null: keep the estimate) */
  release(actualTokens: number | null): void;
}

export interface Denial {
  dimension: LimitDimension;
  scope: 'project' | 'user';
  limit: number;
  /** ms until it would fit; Infinity when it never can (more tokens than the bucket holds) */
  waitMs: number;
  headers: Record<string, string>;
  queueFull?: boolean;
}

export type Outcome = { ok: true; admission: Admission } | { ok: false; denial: Denial };

interface Buckets { rpm: TokenBucket | null; tpm: TokenBucket | null }
interface Waiter { req: LimitRequest; resolve: (o: Outcome) => void; last: Denial; timer: NodeJS.Timeout | null }
interface ProjectState extends Buckets { inFlight: number; queue: Waiter[]; timer: NodeJS.Timeout | null }

const DEFAULT_MAX_QUEUED = 100;
/** a concurrency refusal cannot know when a slot frees up: suggest a short pause */
const CONCURRENCY_RETRY_MS = 1000;
const USERS_PRUNE_AT = 10_000;

/** Keeps a bucket in step with the settings: a changed limit takes effect on the next request. */
function syncBucket(current: TokenBucket | null, perMinute: number | null | undefined, burst: number | null | undefined, now: number): TokenBucket | null {
  if (perMinute == null) return null;
  const capacity = Math.max(1, burst ?? perMinute);
  if (current && current.capacity === capacity && current.perMinute === perMinute) return current;
  // what was already used stays used: raising a limit gives the difference at once, lowering takes it away
  if (current) current.resetMs(now); // brings its level up to now
  const used = current ? current.capacity - current.tokens : 0;
  return new TokenBucket(capacity, perMinute, now, capacity - used);
}

export function createRateLimiter(now: () => number) {
  const projects = new Map<string, ProjectState>();
  const users = new Map<string, Buckets>();

  function projectState(req: LimitRequest, ts: number): ProjectState {
    let p = projects.get(req.project);
    if (!p) { p = { rpm: null, tpm: null, inFlight: 0, queue: [], timer: null }; projects.set(req.project, p); }
    p.rpm = syncBucket(p.rpm, req.limits.rpm, req.limits.rpmBurst, ts);
    p.tpm = syncBucket(p.tpm, req.limits.tpm, req.limits.tpmBurst, ts);
    return p;
  }

  function userState(req: LimitRequest, ts: number): Buckets | null {
    const per = req.limits.perUser;
    if (!req.user || !per || (per.rpm == null && per.tpm == null)) return null;
    const key = `${req.project}\u0000${req.user}`;
    let u = users.get(key);
    if (!u) {
      if (users.size >= USERS_PRUNE_AT) pruneUsers(ts);
      u = { rpm: null, tpm: null };
      users.set(key, u);
    }
    u.rpm = syncBucket(u.rpm, per.rpm, null, ts);
    u.tpm = syncBucket(u.tpm, per.tpm, null, ts);
    return u;
  }

  /** users whose buckets are full again hold no information worth keeping */
  function pruneUsers(ts: number) {
    for (const [key, u] of users) if ((u.rpm?.resetMs(ts) ?? 0) === 0 && (u.tpm?.resetMs(ts) ?? 0) === 0) users.delete(key);
  }

  function headersFor(checks: Array<{ bucket: TokenBucket; dimension: LimitDimension }>, ts: number): Record<string, string> {
    const headers: Record<string, string> = {};
    for (const dimension of ['requests', 'tokens'] as const) {
      // the binding bucket of each kind is the one with the least left
      const bucket = checks.filter((c) => c.dimension === dimension).map((c) => c.bucket).sort((a, b) => a.tokens - b.tokens)[0];
      if (!bucket) continue;
      headers[`x-ratelimit-limit-${dimension}`] = String(bucket.perMinute);
      headers[`x-ratelimit-remaining-${dimension}`] = String(Math.max(0, Math.floor(bucket.tokens)));
      headers[`x-ratelimit-reset-${dimension}`] = formatResetDuration(bucket.resetMs(ts));
    }
    return headers;
  }

  function tryAcquire(req: LimitRequest): Outcome {
    const ts = now();
    const p = projectState(req, ts);
    const u = userState(req, ts);
    const checks: Array<{ bucket: TokenBucket; n: number; dimension: LimitDimension; scope: 'project' | 'user' }> = [];
    if (p.rpm) checks.push({ bucket: p.rpm, n: 1, dimension: 'requests', scope: 'project' });
    if (p.tpm) checks.push({ bucket: p.tpm, n: req.tokens, dimension: 'tokens', scope: 'project' });
    if (u?.rpm) checks.push({ bucket: u.rpm, n: 1, dimension: 'requests', scope: 'user' });
    if (u?.tpm) checks.push({ bucket: u.tpm, n: req.tokens, dimension: 'tokens', scope: 'user' });

    let worst: (typeof checks)[number] | null = null;
    let waitMs = 0;
    for (const c of checks) {
      const w = c.bucket.waitFor(c.n, ts);
      if (w > waitMs) { waitMs = w; worst = c; }
    }
    if (worst) {
      const headers = headersFor(checks, ts);
      return { ok: false, denial: { dimension: worst.dimension, scope: worst.scope, limit: worst.bucket.perMinute, waitMs, headers } };
    }
    const concurrency = req.limits.concurrency;
    if (concurrency != null && p.inFlight >= concurrency) {
      return { ok: false, denial: { dimension: 'concurrency', scope: 'project', limit: concurrency, waitMs: CONCURRENCY_RETRY_MS, headers: headersFor(checks, ts) } };
    }
    for (const c of checks) c.bucket.take(c.n, ts);
    p.inFlight++;
    let released = false;
    return {
      ok: true,
      admission: {
        headers: headersFor(checks, ts),
        release(actualTokens) {
          if (released) return;
          released = true;
          p.inFlight--;
          if (actualTokens !== null && actualTokens !== req.tokens) {
            for (const c of checks) if (c.dimension === 'tokens') c.bucket.adjust(req.tokens - actualTokens, now());
          }
          if (p.queue.length > 0) drain(p);
        },
      },
    };
  }

  /** Admits every queued request that fits now, oldest first; sleeps until the soonest one could. */
  function drain(p: ProjectState) {
    if (p.timer) { clearTimeout(p.timer); p.timer = null; }
    let soonest = Infinity;
    for (const w of [...p.queue]) {
      const outcome = tryAcquire(w.req);
      if (outcome.ok) {
        leave(p, w);
        w.resolve(outcome);
      } else {
        w.last = outcome.denial;
        if (outcome.denial.dimension !== 'concurrency') soonest = Math.min(soonest, outcome.denial.waitMs);
      }
    }
    if (p.queue.length > 0 && Number.isFinite(soonest)) {
      p.timer = setTimeout(() => drain(p), Math.max(1, soonest));
      p.timer.unref();
    }
  }

  function leave(p: ProjectState, w: Waiter) {
    const i = p.queue.indexOf(w);
    if (i >= 0) p.queue.splice(i, 1);
    if (w.timer) clearTimeout(w.timer);
    if (p.queue.length === 0 && p.timer) { clearTimeout(p.timer); p.timer = null; }
  }

  return {
    tryAcquire,

    /**
     * Admits now, or (with a queue configured) waits up to maxWaitMs for room. `onCancel` registers what to do
     * when the client goes away while waiting.
     */
    acquire(req: LimitRequest, onCancel: (fn: () => void) => void): Outcome | Promise<Outcome> {
      const first = tryAcquire(req);
      const queue = req.limits.queue;
      if (first.ok || !queue || !Number.isFinite(first.denial.waitMs)) return first;
      if (first.denial.dimension !== 'concurrency' && first.denial.waitMs > queue.maxWaitMs) return first;
      const p = projects.get(req.project)!;
      if (p.queue.length >= (queue.maxQueued ?? DEFAULT_MAX_QUEUED)) return { ok: false, denial: { ...first.denial, queueFull: true } };
      return new Promise<Outcome>((resolve) => {
        const w: Waiter = { req, resolve, last: first.denial, timer: null };
        w.timer = setTimeout(() => { leave(p, w); resolve({ ok: false, denial: w.last }); }, queue.maxWaitMs);
        w.timer.unref();
        p.queue.push(w);
        onCancel(() => { leave(p, w); resolve({ ok: false, denial: w.last }); });
        if (p.queue.includes(w)) drain(p);
      });
    },

    stats(project: string): { inFlight: number; queued: number } {
      const p = projects.get(project);
      return { inFlight: p?.inFlight ?? 0, queued: p?.queue.length ?? 0 };
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
