import type { SpendRow } from '../../shared/api/dto';
import type { AdminEvent } from '../../shared/api/events';
import { createTodaySpend } from './today-spend';

export interface SpendFeedOptions {
  adminUrl: string;
  adminToken: string;
  /** the gateway's in-process event hub */
  subscribe: (listener: (event: AdminEvent) => void) => () => void;
  /** today's local day as the gateway's rollups count it */
  localDay: () => string;
  onChange: (todayUsd: number) => void;
  onError: (error: unknown) => void;
  fetch?: typeof fetch;
  /** re-sync from the rollups: catches midnight and spend from before the app started */
  resyncEveryMs?: number;
  /** at most one onChange per this many ms, however many requests a second come through */
  throttleMs?: number;
}

/** GET /admin/v1/spend for one day, per project. */
export async function fetchDaySpend(adminUrl: string, adminToken: string, day: string, fetchFn: typeof fetch = fetch): Promise<SpendRow[]> {
  const url = new URL('/admin/v1/spend', adminUrl);
  url.search = new URLSearchParams({ groupBy: 'project', from: day, to: day }).toString();
  const res = await fetchFn(url, { headers: { authorization: `Bearer ${adminToken}` } });
  if (!res.ok) throw new Error(`GET /admin/v1/spend answered ${res.status}`);
  const body = (await res.json()) as { items: SpendRow[] };
  return body.items;
}

/** Today's spend for the tray: seeded from the admin API, then kept current by the gateway's spend events. */
export function createSpendFeed(options: SpendFeedOptions) {
  const fetchFn = options.fetch ?? fetch;
  const today = createTodaySpend(options.localDay);
  let pending: NodeJS.Timeout | null = null;
  let lastSent: number | null = null;
  let closed = false;

  const emit = () => {
    pending = null;
    if (closed) return;
    const total = today.totalUsd();
    if (total === lastSent) return;
    lastSent = total;
    options.onChange(total);
  };
  const emitSoon = () => {
    if (pending || closed) return;
    pending = setTimeout(emit, options.throttleMs ?? 1000);
    pending.unref();
  };

  // events that arrive while a sync is in flight would be overwritten by older rows; replay them after
  let syncing: AdminEvent[] | null = null;
  const unsubscribe = options.subscribe((event) => {
    if (event.type !== 'spend') return;
    syncing?.push(event);
    if (today.apply(event)) emitSoon();
  });

  async function sync(): Promise<void> {
    if (closed || syncing) return;
    syncing = [];
    const day = options.localDay();
    try {
      const rows = await fetchDaySpend(options.adminUrl, options.adminToken, day, fetchFn);
      if (closed) return;
      today.reset(rows, day);
      for (const event of syncing) today.apply(event);
      emit();
    } catch (error) {
      if (!closed) options.onError(error);
    } finally {
      syncing = null;
    }
  }

  const resync = setInterval(() => void sync(), options.resyncEveryMs ?? 60_000);
  resync.unref();

  return {
    sync,
    totalUsd: () => today.totalUsd(),
    close(): void {
      closed = true;
      clearInterval(resync);
      if (pending) clearTimeout(pending);
      unsubscribe();
    },
  };
}

export type SpendFeed = ReturnType<typeof createSpendFeed>;
