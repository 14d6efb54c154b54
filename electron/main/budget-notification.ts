import type { BudgetAlertEvent } from '../../shared/api/events';
import { formatUsd } from '../../shared/cost';

export interface NotificationText {
  title: string;
  body: string;
}

/** The gateway also alerts at 50 %; the desktop interrupts the user only when it matters. */
export const NOTIFY_AT_PERCENT = [80, 100] as const;

const PERIOD_NAME: Record<BudgetAlertEvent['period'], string> = {
  daily: 'daily',
  monthly: 'monthly',
  velocity: 'spend-rate',
};

/** The native notification for a budget alert, or null when the threshold is below 80 %. */
export function describeBudgetAlert(event: BudgetAlertEvent, formatTime: (epochMs: number) => string): NotificationText | null {
  if (!Number.isFinite(event.threshold) || event.threshold < NOTIFY_AT_PERCENT[0]) return null;
  const period = PERIOD_NAME[event.period];
  const resets = `resets ${formatTime(event.resetAt)}`;
  if (event.period === 'velocity') {
    return {
      title: `${event.project}: spending paused`,
      body: `Spend rate hit ${formatUsd(event.spentUsd)} against the ${formatUsd(event.capUsd)}/min breaker; requests resume when the cool-down ends (${resets}).`,
    };
  }
  const reached = event.threshold >= 100;
  return {
    title: reached ? `${event.project} reached its ${period} cap` : `${event.project} at ${Math.floor(event.threshold)} % of its ${period} cap`,
    body: `${formatUsd(event.spentUsd)} of ${formatUsd(event.capUsd)} spent; ${resets}.` +
      (reached ? ' Raise the cap in Tollgate to let requests through.' : ''),
  };
}

/**
 * One notification per project, period, threshold and reset: the gateway sends each alert once per period,
 * but a reconnect or a restart inside the same period must not ring twice.
 */
export function createAlertDeduper(limit = 500) {
  const seen = new Set<string>();
  return {
    isFirst(event: BudgetAlertEvent): boolean {
      const key = `${event.project}\u0000${event.period}\u0000${event.threshold}\u0000${event.resetAt}`;
      if (seen.has(key)) return false;
      if (seen.size >= limit) seen.delete(seen.values().next().value as string);
      seen.add(key);
      return true;
    },
  };
}

/** "at 00:00" within a day, "on 1 Jan" further out; in the user's locale and time zone. */
export function formatResetTime(resetAt: number, now: number, locale?: string): string {
  const date = new Date(resetAt);
  if (resetAt - now < 24 * 60 * 60 * 1000) {
    return `at ${date.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' })}`;
  }
  return `on ${date.toLocaleDateString(locale, { day: 'numeric', month: 'short' })}`;
}
