import { describe, expect, it } from 'vitest';
import type { ProjectLimits } from '../../../shared/api/dto';
import { createRateLimiter, type LimitRequest } from './rate-limiter';

const limits = (l: Partial<ProjectLimits>): ProjectLimits => ({ rpm: null, tpm: null, concurrency: null, ...l });
const req = (l: Partial<ProjectLimits>, tokens = 0, user: string | null = null): LimitRequest => ({ project: 'p', user, limits: limits(l), tokens });

describe('rate limiter', () => {
  it('takes from every bucket or none: a user refused by their bucket costs the project nothing', () => {
    let now = 0;
    const rl = createRateLimiter(() => now);
    const l = { rpm: 10, rpmBurst: 10, perUser: { rpm: 1, tpm: null } };
    expect(rl.tryAcquire(req(l, 0, 'a')).ok).toBe(true);
    const refused = rl.tryAcquire(req(l, 0, 'a'));
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.denial).toMatchObject({ scope: 'user', dimension: 'requests', waitMs: 60_000 });
    const b = rl.tryAcquire(req(l, 0, 'b'));
    // the project's bucket lost one token per admitted request only (10 - 2 = 8 left)
    expect(b.ok && b.admission.headers['x-ratelimit-remaining-requests']).toBe('0'); // b's own bucket is the binding one
    now = 60_000;
    expect(rl.tryAcquire(req(l, 0, 'a')).ok).toBe(true);
  });

  it('trues tokens/min up to the real usage on release', () => {
    const now = 0;
    const rl = createRateLimiter(() => now);
    const l = { tpm: 1000 };
    const first = rl.tryAcquire(req(l, 900));
    expect(first.ok).toBe(true);
    expect(rl.tryAcquire(req(l, 200)).ok).toBe(false);
    if (first.ok) first.admission.release(100);
    expect(rl.tryAcquire(req(l, 200)).ok).toBe(true);
  });

  it('applies a changed limit on the next request', () => {
    const rl = createRateLimiter(() => 0);
    expect(rl.tryAcquire(req({ rpm: 1 })).ok).toBe(true);
    expect(rl.tryAcquire(req({ rpm: 1 })).ok).toBe(false);
    expect(rl.tryAcquire(req({ rpm: 100 })).ok).toBe(true);
    expect(rl.tryAcquire(req({ rpm: null })).ok).toBe(true);
  });

  it('queues for a concurrency slot and admits in arrival order', async () => {
    const rl = createRateLimiter(() => 0);
    const l = { concurrency: 1, queue: { maxWaitMs: 10_000 } };
    const first = rl.tryAcquire(req(l));
    const order: string[] = [];
    const second = Promise.resolve(rl.acquire(req(l), () => undefined)).then((o) => { order.push('second'); return o; });
    const third = Promise.resolve(rl.acquire(req(l), () => undefined)).then((o) => { order.push('third'); return o; });
    expect(rl.stats('p')).toEqual({ inFlight: 1, queued: 2 });
    if (first.ok) first.admission.release(null);
    const s = await second;
    if (s.ok) s.admission.release(null);
    await third;
    expect(order).toEqual(['second', 'third']);
    expect(rl.stats('p')).toEqual({ inFlight: 1, queued: 0 });
  });
});
