import { LRUCache } from 'lru-cache';
import type { CacheInvalidate } from '../../../shared/api/dto';
import type { Store } from '../store/db';
import type { CacheRepo, StoredEntry } from '../store/repos/cache-repo';

const MEMORY_BYTES = 32 * 1024 * 1024;

/** Memory LRU in front of SQLite. Reads are synchronous (a hit never waits); writes ride the store's batch. */
export function createExactCache(store: Store, repo: CacheRepo, now: () => number) {
  const memory = new LRUCache<string, StoredEntry>({
    maxSize: MEMORY_BYTES,
    sizeCalculation: (e) => e.responseBody.length + e.requestJson.length + 256,
  });

  function isLive(e: StoredEntry): boolean {
    return e.expiresAt === null || e.expiresAt > now();
  }

  return {
    get(id: string): StoredEntry | undefined {
      let entry = memory.get(id);
      if (!entry) {
        entry = repo.getStored(id);
        if (entry) memory.set(id, entry);
      }
      if (entry && !isLive(entry)) {
        memory.delete(id);
        store.enqueue(() => repo.remove(id));
        return undefined;
      }
      return entry;
    },
    set(entry: StoredEntry) {
      memory.set(entry.id, entry);
      store.enqueue(() => repo.insert(entry));
    },
    recordHit(id: string, savedUsd: number) {
      const at = now();
      store.enqueue(() => repo.recordHit(id, savedUsd, at));
    },
    remove(id: string): number {
      store.flush();
      memory.delete(id);
      return repo.remove(id);
    },
    invalidate(filter: CacheInvalidate): number {
      store.flush();
      const ids = repo.removeMatching(filter, now(), filter.dryRun === true);
      if (!filter.dryRun) for (const id of ids) memory.delete(id);
      return ids.length;
    },
    sweepExpired(): number {
      store.flush();
      const ids = repo.removeExpired(now());
      for (const id of ids) memory.delete(id);
      return ids.length;
    },
  };
}

export type ExactCache = ReturnType<typeof createExactCache>;
