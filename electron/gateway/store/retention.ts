import type { Store } from './db';
import type { SettingsRepo } from './repos/settings-repo';
import type { TracesRepo } from './repos/traces-repo';

export const DEFAULT_RETENTION_DAYS = 30;
const CHUNK = 2000;
const DAY_MS = 24 * 3600 * 1000;

/**
 * Keeps the trace history to the retention window. Spend rollups are kept (they are small and budgets
 * need them), so spend totals equal the sum of traces only within the window.
 */
export function createRetention(store: Store, traces: TracesRepo, settings: SettingsRepo, now: () => number,
  onError: (err: unknown) => void, initialDays?: number) {
  let days = Number(settings.get('retentionDays') ?? initialDays ?? DEFAULT_RETENTION_DAYS);

  return {
    get days() { return days; },
    setDays(next: number) {
      days = next;
      settings.set('retentionDays', String(next));
    },
    /** deletes in chunks, yielding between them, so a large backlog never stalls the proxy; never rejects */
    async sweep(): Promise<number> {
      let total = 0;
      try {
        store.flush();
        const before = now() - days * DAY_MS;
        for (;;) {
          if (!store.db.open) return total; // the gateway stopped between chunks
          const removed = traces.deleteOlderThan(before, CHUNK);
          total += removed;
          if (removed < CHUNK) return total;
          await new Promise((resolve) => setImmediate(resolve));
        }
      } catch (err) {
        onError(err);
        return total;
      }
    },
  };
}

export type Retention = ReturnType<typeof createRetention>;
