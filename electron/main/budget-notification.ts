import type { AdminEvent, BudgetAlertEvent } from '../../shared/api/events';
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
  const who = event.scope ? `${event.project}: ${event.scope} ${event.scopeKey ?? ''}` : event.project;
  const cap = event.scope ? `the per-${event.scope} ${period} cap` : `its ${period} cap`;
  return {
    title: reached ? `${who} reached ${cap}` : `${who} at ${Math.floor(event.threshold)} % of ${cap}`,
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
      const key = `${event.project}\u0000${event.scope ?? ''}\u0000${event.scopeKey ?? ''}\u0000${event.period}\u0000${event.threshold}\u0000${event.resetAt}`;
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

export interface BudgetAlertNotifierOptions {
  subscribe: (listener: (event: AdminEvent) => void) => () => void;
  show: (text: NotificationText, event: BudgetAlertEvent) => void;
  formatTime: (epochMs: number) => string;
  /** runs the collected alerts after the current burst; tests may pass their own */
  defer?: (fn: () => void) => void;
}

/**
 * Budget alerts from the gateway's event hub → one native notification per crossing. A single request can
 * cross 50, 80 and 100 % at once; those arrive together and only the highest is shown.
 */
export function notifyOnBudgetAlerts(options: BudgetAlertNotifierOptions): () => void {
  const dedupe = createAlertDeduper();
  const defer = options.defer ?? queueMicrotask;
  let pending: BudgetAlertEvent[] = [];

  const flush = () => {
    const highest = new Map<string, BudgetAlertEvent>();
    for (const event of pending) {
      const key = `${event.project}\u0000${event.scope ?? ''}\u0000${event.scopeKey ?? ''}\u0000${event.period}\u0000${event.resetAt}`;
      const seen = highest.get(key);
      if (!seen || event.threshold > seen.threshold) highest.set(key, event);
    }
    pending = [];
    for (const event of highest.values()) {
      const text = describeBudgetAlert(event, options.formatTime);
      if (text && dedupe.isFirst(event)) options.show(text, event);
    }
  };

  return options.subscribe((event) => {
    if (event.type !== 'budget-alert') return;
    if (pending.length === 0) defer(flush);
    pending.push(event);
  });
}
