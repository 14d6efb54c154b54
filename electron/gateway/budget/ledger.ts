import type { BudgetCaps, ProjectBudget } from '../../../shared/api/dto';
import type { BudgetScope, BucketId, BudgetRepo } from '../store/repos/budget-repo';
import type { Store } from '../store/db';
import { periodsAt, type Periods } from './periods';

/**
 * Budget ledger: settled spend and in-flight reservations per bucket (project, end-user, feature × day, month).
 * JS runs one request's check-and-reserve to completion before another's, so `tryReserve` is atomic: however
 * many requests race, the sum of settled and reserved worst cases never passes a cap.
 */

export type PeriodKind = 'daily' | 'monthly';

/** Money in the ledger is whole nano-dollars, so sums are exact and a settled total can never drift past a cap. */
export const toNanos = (usd: number) => Math.ceil(Math.round(usd * 1e12) / 1000);
const capNanos = (usd: number) => Math.floor(Math.round(usd * 1e12) / 1000);
export const toUsd = (nanos: number) => nanos / 1e9;

export interface Bucket extends BucketId {
  kind: PeriodKind;
  /** nano-USD */
  spent: number;
  /** nano-USD held by requests in flight */
  reserved: number;
  open: number;
  /** highest alert threshold already sent for this bucket (percent) */
  alerted: number;
  lastUsed: number;
  /** nano-USD settled since the last batched write, and whether that write is queued */
  unsaved: number;
  saveQueued: boolean;
}

export interface Reservation {
  id: number;
  project: string;
  /** nano-USD held */
  nanos: number;
  buckets: Bucket[];
  done: boolean;
}

/** Who a request is charged to. */
export interface Payer {
  project: string;
  budget: ProjectBudget;
  user: string | null;
  feature: string | null;
}

/** Why a reservation did not fit: the first cap it would pass. */
export interface Refusal {
  project: string;
  scope: BudgetScope;
  scopeKey: string;
  kind: PeriodKind;
  capUsd: number;
  spentUsd: number;
  reservedUsd: number;
  requestUsd: number;
  resetsAt: number;
  timeZone: string;
  bucket: Bucket;
}

const PRUNE_AT = 5000;
const STALE_MS = 2 * 24 * 3600 * 1000;

export function createBudgetLedger(opts: { repo: BudgetRepo; store: Store; now: () => number; defaultTimeZone: string }) {
  const { repo, store, now } = opts;
  const buckets = new Map<string, Bucket>();
  const open = new Map<string, { count: number; nanos: number }>();
  let nextId = 1;

  const timeZoneOf = (budget: ProjectBudget) => budget.timeZone || opts.defaultTimeZone;

  function bucketFor(id: BucketId, kind: PeriodKind, ts: number): Bucket {
    const key = `${id.project}\u0000${id.scope}\u0000${id.scopeKey}\u0000${id.period}`;
    let b = buckets.get(key);
    if (!b) {
      if (buckets.size >= PRUNE_AT) prune(ts);
      const row = repo.load(id);
      b = { ...id, kind, spent: Math.round(row.spentUsd * 1e9), reserved: 0, open: 0, alerted: row.alerted, lastUsed: ts, unsaved: 0, saveQueued: false };
      buckets.set(key, b);
    }
    b.lastUsed = ts;
    return b;
  }

  /** Old buckets with nothing in flight go; their rows stay in SQLite and reload if asked for again. */
  function prune(ts: number) {
    for (const [key, b] of buckets) if (b.open === 0 && !b.saveQueued && ts - b.lastUsed > STALE_MS) buckets.delete(key);
  }

  function capsOf(budget: ProjectBudget, scope: BudgetScope): BudgetCaps | null {
    if (scope === 'project') return { dailyUsd: budget.dailyUsd, monthlyUsd: budget.monthlyUsd };
    return (scope === 'user' ? budget.perUser : budget.perFeature) ?? null;
  }

  /** Every bucket the payer's spend lands in, with the cap it has now (null: counted, not capped). */
  function linesFor(p: Payer, ts: number): Array<{ bucket: Bucket; capUsd: number | null; resetsAt: number }> {
    const periods = periodsAt(ts, timeZoneOf(p.budget));
    const scopes: Array<[BudgetScope, string]> = [['project', '']];
    if (p.user) scopes.push(['user', p.user]);
    if (p.feature) scopes.push(['feature', p.feature]);
    const lines = [];
    for (const [scope, scopeKey] of scopes) {
      const caps = capsOf(p.budget, scope);
      lines.push(
        { bucket: bucketFor({ project: p.project, scope, scopeKey, period: `d:${periods.day}` }, 'daily', ts), capUsd: caps?.dailyUsd ?? null, resetsAt: periods.dayResetsAt },
        { bucket: bucketFor({ project: p.project, scope, scopeKey, period: `m:${periods.month}` }, 'monthly', ts), capUsd: caps?.monthlyUsd ?? null, resetsAt: periods.monthResetsAt },
      );
    }
    return lines;
  }

  function openFor(project: string) {
    let o = open.get(project);
    if (!o) { o = { count: 0, nanos: 0 }; open.set(project, o); }
    return o;
  }

  /**
   * One upsert per bucket per group commit, however many requests settled into it meanwhile: the write runs
   * just before the commit and reads what accumulated, inside the same transaction as the traces beside it.
   */
  function persist(b: Bucket, deltaNanos: number) {
    b.unsaved += deltaNanos;
    if (b.saveQueued) return;
    b.saveQueued = true;
    const id: BucketId = { project: b.project, scope: b.scope, scopeKey: b.scopeKey, period: b.period };
    store.enqueueAtCommit(() => {
      const delta = b.unsaved;
      b.unsaved = 0;
      b.saveQueued = false;
      // a failed write rolls back alone: its amount goes back to be written with the next settle
      try { repo.add(id, toUsd(delta), b.alerted); } catch (err) { b.unsaved += delta; throw err; }
    });
  }

  /** The request's real cost replaces its hold. Returns the buckets whose spend grew (for alerts). */
  function settle(r: Reservation, costUsd: number): Bucket[] {
    if (r.done) return [];
    r.done = true;
    const o = openFor(r.project);
    o.count--;
    o.nanos -= r.nanos;
    const cost = toNanos(costUsd);
    for (const b of r.buckets) {
      b.reserved -= r.nanos;
      b.open--;
      if (cost > 0) { b.spent += cost; persist(b, cost); }
    }
    return cost > 0 ? r.buckets : [];
  }

  return {
    timeZoneOf,
    settle,
    periodsOf(budget: ProjectBudget, ts = now()): Periods { return periodsAt(ts, timeZoneOf(budget)); },

    /** True when any money cap applies to this payer (no cap: nothing to reserve, spend is only recorded). */
    hasCaps(p: Payer): boolean {
      const b = p.budget;
      if (b.dailyUsd != null || b.monthlyUsd != null) return true;
      if (p.user && b.perUser && (b.perUser.dailyUsd != null || b.perUser.monthlyUsd != null)) return true;
      return !!(p.feature && b.perFeature && (b.perFeature.dailyUsd != null || b.perFeature.monthlyUsd != null));
    },

    /**
     * Holds `usd` against every bucket of the payer if it fits under every cap; `force` holds it regardless
     * (alert mode lets the request through but still accounts for it).
     */
    tryReserve(p: Payer, usd: number, force = false): { reservation: Reservation; refusal: Refusal | null } | { reservation: null; refusal: Refusal } {
      const ts = now();
      const nanos = toNanos(usd);
      const lines = linesFor(p, ts);
      let refusal: Refusal | null = null;
      // of the caps it would pass, name the one that lifts last: that is when the request could go through
      for (const l of lines) {
        if (l.capUsd === null || l.bucket.spent + l.bucket.reserved + nanos <= capNanos(l.capUsd)) continue;
        if (refusal && refusal.resetsAt >= l.resetsAt) continue;
        refusal = {
          project: p.project, scope: l.bucket.scope, scopeKey: l.bucket.scopeKey, kind: l.bucket.kind, capUsd: l.capUsd,
          spentUsd: toUsd(l.bucket.spent), reservedUsd: toUsd(l.bucket.reserved), requestUsd: usd, resetsAt: l.resetsAt, timeZone: timeZoneOf(p.budget),
          bucket: l.bucket,
        };
      }
      if (refusal && !force) return { reservation: null, refusal };
      for (const l of lines) { l.bucket.reserved += nanos; l.bucket.open++; }
      const o = openFor(p.project);
      o.count++;
      o.nanos += nanos;
      return { reservation: { id: nextId++, project: p.project, nanos, buckets: lines.map((l) => l.bucket), done: false }, refusal };
    },

    /** Nothing was spent (failure, abort before usage, unpriced answer): the hold goes back. */
    release(r: Reservation): void {
      settle(r, 0);
    },

    /** Spend of a request that needed no reservation (no cap was set): counted so a cap set later sees it. */
    record(p: Payer, costUsd: number, ts: number): Bucket[] {
      const cost = toNanos(costUsd);
      if (cost <= 0) return [];
      const touched = linesFor(p, ts).map((l) => l.bucket);
      for (const b of touched) { b.spent += cost; persist(b, cost); }
      return touched;
    },

    /** Marks an alert threshold as sent (persisted, so a restart does not send it again). */
    markAlerted(b: Bucket, threshold: number) {
      if (threshold <= b.alerted) return;
      b.alerted = threshold;
      persist(b, 0);
    },

    /** Lowers the alerted mark (a raised cap): the thresholds above it can be sent again this period. */
    rearm(b: Bucket, threshold: number) {
      if (threshold >= b.alerted) return;
      b.alerted = threshold;
      const id: BucketId = { project: b.project, scope: b.scope, scopeKey: b.scopeKey, period: b.period };
      store.enqueue(() => repo.setAlerted(id, threshold));
    },

    /** A bucket as it stands now (loaded on demand). */
    bucket(project: string, scope: BudgetScope, scopeKey: string, kind: PeriodKind, periods: Periods): Bucket {
      const period = kind === 'daily' ? `d:${periods.day}` : `m:${periods.month}`;
      return bucketFor({ project, scope, scopeKey, period }, kind, now());
    },

    openReservations(project: string) {
      const o = open.get(project);
      return { count: o?.count ?? 0, usd: toUsd(o?.nanos ?? 0) };
    },

    /** Users or features with spend in the current periods (after a flush, so SQLite has all of it). */
    listScope(project: string, scope: BudgetScope, periods: Periods, limit: number): string[] {
      store.flush();
      const keys = new Set(repo.listScope(project, scope, `d:${periods.day}`, `m:${periods.month}`, limit).map((r) => r.scopeKey));
      for (const b of buckets.values()) {
        if (keys.size >= limit) break;
        if (b.project === project && b.scope === scope && b.open > 0) keys.add(b.scopeKey);
      }
      return [...keys];
    },
  };
}

export type BudgetLedger = ReturnType<typeof createBudgetLedger>;
