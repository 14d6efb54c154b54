import type { BudgetPeriodUsage, ProjectBudget, ProjectUsage } from '../../../shared/api/dto';
import type { EventHub } from '../admin/event-hub';
import type { Store } from '../store/db';
import { createBudgetRepo, type BudgetScope } from '../store/repos/budget-repo';
import type { ProjectRecord } from '../store/repos/projects-repo';
import { ALERT_THRESHOLDS, raiseCapAlerts } from './alerts';
import { createBudgetLedger, toUsd, type Bucket, type PeriodKind } from './ledger';
import type { Periods } from './periods';
import { createVelocityBreaker } from './velocity';

const LISTED_SCOPES = 100;

/** Budgets as the pipeline and the admin API see them: the ledger, the velocity breaker, and their alerts. */
export function createBudgets(opts: { store: Store; events: EventHub; now: () => number; defaultTimeZone: string }) {
  const { events, now } = opts;
  const ledger = createBudgetLedger({ repo: createBudgetRepo(opts.store.db), store: opts.store, now, defaultTimeZone: opts.defaultTimeZone });
  const velocity = createVelocityBreaker(now);

  function periodUsage(project: string, scope: BudgetScope, key: string, kind: PeriodKind, periods: Periods, cap: number | null | undefined): BudgetPeriodUsage {
    const b = ledger.bucket(project, scope, key, kind, periods);
    const spentUsd = toUsd(b.spent);
    const reservedUsd = toUsd(b.reserved);
    const capUsd = cap ?? null;
    return {
      period: kind === 'daily' ? periods.day : periods.month, spentUsd, reservedUsd, capUsd,
      remainingUsd: capUsd === null ? null : Math.max(0, toUsd(Math.round(capUsd * 1e9) - b.spent - b.reserved)),
      resetsAt: kind === 'daily' ? periods.dayResetsAt : periods.monthResetsAt,
    };
  }

  return {
    ledger,
    velocity,

    /** After a request's real cost landed in its buckets: cap alerts, then the velocity breaker. */
    afterSpend(project: string, budget: ProjectBudget, touched: Bucket[], costUsd: number) {
      const ts = now();
      raiseCapAlerts(ledger, (e) => events.publish(e), budget, touched, ts);
      if (budget.velocityUsdPerMin == null) return; // nothing to watch: keep no per-minute window
      const trip = velocity.add(project, costUsd, budget.velocityUsdPerMin, budget.velocityCooldownSec);
      if (trip) {
        events.publish({
          type: 'budget-alert', project, period: 'velocity', threshold: 100, spentUsd: trip.usdLastMinute,
          capUsd: budget.velocityUsdPerMin, resetAt: trip.until, ts,
        });
      }
    },

    /**
     * After an admin changed the caps: thresholds the spend is now below are re-armed, so raising a $5 cap to $10
     * with $5 spent sends the 80 % and 100 % alerts of the new cap when they come.
     */
    capsChanged(p: ProjectRecord) {
      const periods = ledger.periodsOf(p.budget);
      for (const [kind, cap] of [['daily', p.budget.dailyUsd], ['monthly', p.budget.monthlyUsd]] as const) {
        const b = ledger.bucket(p.slug, 'project', '', kind, periods);
        const percent = cap == null || cap <= 0 ? 0 : (toUsd(b.spent) / cap) * 100;
        ledger.rearm(b, Math.max(0, ...ALERT_THRESHOLDS.filter((t) => t <= percent)));
      }
    },

    /** A request was refused because the cap is used up: that counts as reaching it (sent once per period). */
    capReached(budget: ProjectBudget, touched: Bucket[]) {
      raiseCapAlerts(ledger, (e) => events.publish(e), budget, touched, now(), true);
    },

    usage(p: ProjectRecord, limits: ProjectUsage['limits']): ProjectUsage {
      const b = p.budget;
      const periods = ledger.periodsOf(b);
      const open = ledger.openReservations(p.slug);
      const scoped = (scope: 'user' | 'feature') => {
        const caps = scope === 'user' ? b.perUser : b.perFeature;
        return ledger.listScope(p.slug, scope, periods, LISTED_SCOPES).map((key) => ({
          key,
          daily: periodUsage(p.slug, scope, key, 'daily', periods, caps?.dailyUsd),
          monthly: periodUsage(p.slug, scope, key, 'monthly', periods, caps?.monthlyUsd),
        }));
      };
      return {
        project: p.slug,
        timeZone: ledger.timeZoneOf(b),
        mode: b.mode,
        daily: periodUsage(p.slug, 'project', '', 'daily', periods, b.dailyUsd),
        monthly: periodUsage(p.slug, 'project', '', 'monthly', periods, b.monthlyUsd),
        reservedUsd: open.usd,
        openReservations: open.count,
        velocity: { usdLastMinute: velocity.usdLastMinute(p.slug), limitUsdPerMin: b.velocityUsdPerMin ?? null, trippedUntil: velocity.trippedUntil(p.slug) },
        limits,
        users: scoped('user'),
        features: scoped('feature'),
      };
    },
  };
}

export type Budgets = ReturnType<typeof createBudgets>;
