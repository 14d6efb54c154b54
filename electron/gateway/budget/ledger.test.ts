import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProjectBudget } from '../../../shared/api/dto';
import { openStore, type Store } from '../store/db';
import { createBudgetRepo } from '../store/repos/budget-repo';
import { createBudgetLedger, toUsd, type Payer, type Reservation } from './ledger';

const opened: Array<{ store: Store; dir: string }> = [];
afterEach(() => {
  for (const { store, dir } of opened.splice(0)) { store.close(); rmSync(dir, { recursive: true, force: true }); }
});

function setup(now = () => Date.parse('2026-06-10T12:00:00Z')) {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-ledger-'));
  const store = openStore(dir, { onError: (err) => { throw err; } });
  opened.push({ store, dir });
  const repo = createBudgetRepo(store.db);
  return { store, repo, ledger: createBudgetLedger({ repo, store, now, defaultTimeZone: 'UTC' }) };
}

const payer = (budget: Partial<ProjectBudget>, user: string | null = null): Payer =>
  ({ project: 'p', budget: { dailyUsd: null, monthlyUsd: null, mode: 'block', ...budget }, user, feature: null });

describe('budget ledger', () => {
  it('never lets holds and settled spend together pass a cap, however many reserve at once', () => {
    const { ledger } = setup();
    const p = payer({ dailyUsd: 1 });
    const held = [];
    for (let i = 0; i < 20; i++) {
      const r = ledger.tryReserve(p, 0.3);
      if (r.reservation) held.push(r.reservation);
    }
    expect(held).toHaveLength(3);
    // settling below the hold makes room again; settled spend never passes the cap
    for (const r of held) ledger.settle(r, 0.1);
    expect(ledger.tryReserve(p, 0.7).reservation).not.toBeNull();
    expect(ledger.tryReserve(p, 0.01).reservation).toBeNull();
  });

  it('keeps exact sums in nano-dollars (no float drift past the cap)', () => {
    const { ledger } = setup();
    const p = payer({ dailyUsd: 0.3 });
    for (let i = 0; i < 3; i++) ledger.settle(ledger.tryReserve(p, 0.1).reservation!, 0.1);
    const b = ledger.bucket('p', 'project', '', 'daily', ledger.periodsOf(p.budget));
    expect(toUsd(b.spent)).toBe(0.3);
    expect(ledger.tryReserve(p, 1e-9).refusal).not.toBeNull();
  });

  it('releases holds, settles each once, and counts open reservations', () => {
    const { ledger } = setup();
    const p = payer({ dailyUsd: 1 });
    const a = ledger.tryReserve(p, 0.5).reservation!;
    const b = ledger.tryReserve(p, 0.25).reservation!;
    expect(ledger.openReservations('p')).toEqual({ count: 2, usd: 0.75 });
    ledger.release(a);
    ledger.release(a);
    ledger.settle(b, 0.2);
    ledger.settle(b, 0.2);
    expect(ledger.openReservations('p')).toEqual({ count: 0, usd: 0 });
    expect(toUsd(ledger.bucket('p', 'project', '', 'daily', ledger.periodsOf(p.budget)).spent)).toBe(0.2);
  });

  it('names the cap that lifts last when several refuse', () => {
    const { ledger } = setup();
    const r = ledger.tryReserve(payer({ dailyUsd: 0.1, monthlyUsd: 0.1 }), 1);
    expect(r.refusal).toMatchObject({ kind: 'monthly', resetsAt: Date.parse('2026-07-01T00:00:00Z') });
  });

  it('holds per-user caps apart and persists spend for the next start', () => {
    const { ledger, store, repo } = setup();
    const alice = payer({ perUser: { dailyUsd: 0.5, monthlyUsd: null } }, 'alice');
    const bob = payer({ perUser: { dailyUsd: 0.5, monthlyUsd: null } }, 'bob');
    ledger.settle(ledger.tryReserve(alice, 0.5).reservation!, 0.5);
    expect(ledger.tryReserve(alice, 0.1).refusal).toMatchObject({ scope: 'user', scopeKey: 'alice' });
    expect(ledger.tryReserve(bob, 0.1).reservation).not.toBeNull();
    store.flush();
    const again = createBudgetLedger({ repo, store, now: () => Date.parse('2026-06-10T18:00:00Z'), defaultTimeZone: 'UTC' });
    expect(again.tryReserve(alice, 0.1).refusal).toMatchObject({ scope: 'user', spentUsd: 0.5 });
  });
});

describe('budget ledger, any sequence', () => {
  it('keeps settled spend and holds under the cap for every interleaving of reserve, settle and release', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('reserve' as const), usd: fc.double({ min: 0, max: 0.5, noNaN: true }) }),
      fc.record({ kind: fc.constant('settle' as const), pick: fc.nat(), share: fc.double({ min: 0, max: 1, noNaN: true }) }),
      fc.record({ kind: fc.constant('release' as const), pick: fc.nat() }),
    );
    fc.assert(fc.property(fc.double({ min: 0, max: 2, noNaN: true }), fc.array(op, { maxLength: 60 }), (cap, ops) => {
      const { ledger } = setup();
      const p = payer({ dailyUsd: cap, monthlyUsd: cap * 2 });
      const open: Reservation[] = [];
      for (const o of ops) {
        if (o.kind === 'reserve') {
          const r = ledger.tryReserve(p, o.usd).reservation;
          if (r) open.push(r);
        } else if (open.length > 0) {
          const [r] = open.splice(o.pick % open.length, 1);
          // a provider never bills more than the worst case it was held for
          if (o.kind === 'settle') ledger.settle(r!, toUsd(r!.nanos) * o.share);
          else ledger.release(r!);
        }
        const b = ledger.bucket('p', 'project', '', 'daily', ledger.periodsOf(p.budget));
        expect(b.spent + b.reserved).toBeLessThanOrEqual(Math.floor(cap * 1e9 + 1e-3));
      }
      for (const r of open.splice(0)) ledger.release(r);
      expect(ledger.openReservations('p')).toEqual({ count: 0, usd: 0 });
    }), { numRuns: 100 });
  });
});
