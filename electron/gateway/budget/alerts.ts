import type { BudgetAlertEvent } from '../../../shared/api/events';
import type { ProjectBudget } from '../../../shared/api/dto';
import type { Bucket, BudgetLedger } from './ledger';
import { toUsd } from './ledger';

export const ALERT_THRESHOLDS = [50, 80, 100] as const;

/**
 * Sends each 50/80/100 % alert of a project's daily and monthly caps, and of its per-user and per-feature caps,
 * once per period and payer. The mark is stored with the bucket, so a restart does not send it again.
 */
export function raiseCapAlerts(
  ledger: BudgetLedger, publish: (e: BudgetAlertEvent) => void, budget: ProjectBudget, touched: Bucket[], now: number,
  /** a request was refused because this much is spent or held: the cap counts as reached */
  reached = false,
): void {
  const periods = ledger.periodsOf(budget, now);
  for (const b of touched) {
    const caps = b.scope === 'project' ? budget : b.scope === 'user' ? budget.perUser : budget.perFeature;
    if (!caps) continue;
    const current = b.kind === 'daily' ? `d:${periods.day}` : `m:${periods.month}`;
    if (b.period !== current) continue; // spend settled after its period ended: that period's alerts are moot
    const cap = b.kind === 'daily' ? caps.dailyUsd : caps.monthlyUsd;
    if (cap == null || cap <= 0) continue;
    const spent = toUsd(b.spent);
    const percent = reached ? 100 : (spent / cap) * 100;
    for (const threshold of ALERT_THRESHOLDS) {
      if (percent < threshold || threshold <= b.alerted) continue;
      if (reached && threshold < 100) continue;
      ledger.markAlerted(b, threshold);
      publish({
        type: 'budget-alert', project: b.project, period: b.kind, threshold, spentUsd: spent, capUsd: cap,
        ...(b.scope === 'project' ? {} : { scope: b.scope, scopeKey: b.scopeKey }),
        resetAt: b.kind === 'daily' ? periods.dayResetsAt : periods.monthResetsAt, ts: now,
      });
    }
  }
}
