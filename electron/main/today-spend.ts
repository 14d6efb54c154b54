import type { SpendRow } from '../../shared/api/dto';
import type { AdminEvent } from '../../shared/api/events';
import { formatUsd } from '../../shared/cost';

/** Today's spend across projects, fed by the gateway's `spend` events and re-synced from /admin/v1/spend. */
export function createTodaySpend(localDay: () => string) {
  let day = localDay();
  let byProject = new Map<string, number>();

  const rollOver = () => {
    const current = localDay();
    if (current !== day) {
      day = current;
      byProject = new Map();
    }
  };

  return {
    /** replaces everything with the rows of `GET /admin/v1/spend?groupBy=project&from=<today>&to=<today>` */
    reset(rows: Pick<SpendRow, 'key' | 'costUsd'>[], forDay: string): void {
      day = forDay;
      byProject = new Map(rows.map((r) => [r.key, r.costUsd]));
    },
    /** true when the event changed the total */
    apply(event: AdminEvent): boolean {
      if (event.type !== 'spend') return false;
      rollOver();
      if (byProject.get(event.project) === event.todayUsd) return false;
      byProject.set(event.project, event.todayUsd);
      return true;
    },
    totalUsd(): number {
      rollOver();
      let total = 0;
      for (const usd of byProject.values()) total += usd;
      return total;
    },
    day: () => day,
  };
}

export type TodaySpend = ReturnType<typeof createTodaySpend>;

export interface TrayLabel {
  /** next to the icon (macOS menu bar); short */
  title: string;
  /** hover text on every platform */
  tooltip: string;
  /** the first, disabled line of the tray menu */
  menuLine: string;
}

export function formatTrayLabel(todayUsd: number, isCachingPaused: boolean): TrayLabel {
  const spend = formatUsd(todayUsd);
  const paused = isCachingPaused ? ' · caching paused' : '';
  return {
    title: spend,
    tooltip: `Tollgate: ${spend} spent today${paused}`,
    menuLine: `Today: ${spend}${paused}`,
  };
}
