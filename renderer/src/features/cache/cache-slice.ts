import type { StateCreator } from 'zustand';
import type { CacheEntry, CacheEntryDetail, CacheEntryHit, CacheInvalidate, Page } from '../../../../shared/api/dto';
import type { CacheEntryQuery } from '../../../../shared/api/routes';
import type { AppState } from '../../store';
import type { LoadState } from '../projects/projects-slice';

export type CacheSort = NonNullable<CacheEntryQuery['sort']>;

export interface CacheFilters {
  /** prompt text */
  q: string;
  project: string;
  model: string;
  tag: string;
  /** only entries at least this old, seconds; 0 = any age */
  olderThanSec: number;
  sort: CacheSort;
}

export type EntryLoad =
  | { state: 'idle' }
  | { state: 'loading'; id: string }
  | { state: 'loaded'; id: string; entry: CacheEntryDetail; hits: CacheEntryHit[] }
  | { state: 'error'; id: string; error: string };

export interface CacheSlice {
  cacheFilters: CacheFilters;
  cacheEntries: CacheEntry[];
  cacheNextCursor: string | null;
  cacheLoad: LoadState;
  cacheError: string | null;
  /** checked rows, for invalidating a selection */
  selectedCacheIds: ReadonlySet<string>;
  /** the keyboard cursor row; its entry shows in the inspector */
  focusedCacheId: string | null;
  cacheInspect: EntryLoad;
  setCacheFilter<K extends keyof CacheFilters>(key: K, value: CacheFilters[K]): void;
  setCacheEntries(page: Page<CacheEntry>, append: boolean): void;
  setCacheLoad(load: LoadState, error?: string | null): void;
  toggleCacheSelected(id: string): void;
  setCacheSelection(ids: Iterable<string>): void;
  focusCacheEntry(id: string | null): void;
  setCacheInspect(load: EntryLoad): void;
  /** drop entries that are gone (after an invalidation) without refetching */
  removeCacheEntries(ids: Iterable<string>): void;
}

export const EMPTY_CACHE_FILTERS: CacheFilters = { q: '', project: '', model: '', tag: '', olderThanSec: 0, sort: 'age' };

export const initialCacheState = {
  cacheFilters: EMPTY_CACHE_FILTERS,
  cacheEntries: [] as CacheEntry[],
  cacheNextCursor: null as string | null,
  cacheLoad: 'idle' as LoadState,
  cacheError: null as string | null,
  selectedCacheIds: new Set<string>() as ReadonlySet<string>,
  focusedCacheId: null as string | null,
  cacheInspect: { state: 'idle' } as EntryLoad,
};

export const createCacheSlice: StateCreator<AppState, [], [], CacheSlice> = (set) => ({
  ...initialCacheState,
  setCacheFilter: (key, value) =>
    set((s) => ({ cacheFilters: { ...s.cacheFilters, [key]: value }, selectedCacheIds: new Set<string>() })),
  setCacheEntries: (page, append) =>
    set((s) => {
      const cacheEntries = append ? s.cacheEntries.concat(page.items) : page.items;
      const present = new Set(cacheEntries.map((e) => e.id));
      const selectedCacheIds = new Set([...s.selectedCacheIds].filter((id) => present.has(id)));
      return { cacheEntries, cacheNextCursor: page.nextCursor, cacheLoad: 'loaded', cacheError: null, selectedCacheIds };
    }),
  setCacheLoad: (cacheLoad, cacheError = null) => set({ cacheLoad, cacheError }),
  toggleCacheSelected: (id) =>
    set((s) => {
      const next = new Set(s.selectedCacheIds);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return { selectedCacheIds: next };
    }),
  setCacheSelection: (ids) => set({ selectedCacheIds: new Set(ids) }),
  focusCacheEntry: (focusedCacheId) => set({ focusedCacheId }),
  setCacheInspect: (cacheInspect) => set({ cacheInspect }),
  removeCacheEntries: (ids) =>
    set((s) => {
      const gone = new Set(ids);
      const selectedCacheIds = new Set([...s.selectedCacheIds].filter((id) => !gone.has(id)));
      return {
        cacheEntries: s.cacheEntries.filter((e) => !gone.has(e.id)),
        selectedCacheIds,
        focusedCacheId: s.focusedCacheId !== null && gone.has(s.focusedCacheId) ? null : s.focusedCacheId,
        cacheInspect: s.cacheInspect.state !== 'idle' && gone.has(s.cacheInspect.id) ? { state: 'idle' } : s.cacheInspect,
      };
    }),
});

/** The list query for the current filters. */
export function toCacheQuery(f: CacheFilters): CacheEntryQuery {
  return {
    q: f.q.trim() || undefined,
    project: f.project || undefined,
    model: f.model.trim() || undefined,
    tag: f.tag.trim() || undefined,
    olderThanSec: f.olderThanSec > 0 ? f.olderThanSec : undefined,
    sort: f.sort,
  };
}

/** The invalidation body matching exactly what the list shows for these filters. */
export function toInvalidateFilter(f: CacheFilters): CacheInvalidate {
  const q = toCacheQuery(f);
  return { project: q.project, model: q.model, tag: q.tag, match: q.q, olderThanSec: q.olderThanSec };
}

export function hasCacheFilter(f: CacheFilters): boolean {
  const q = toCacheQuery(f);
  return Boolean(q.q || q.project || q.model || q.tag || q.olderThanSec);
}

export const cacheSelectors = {
  filters: (s: AppState) => s.cacheFilters,
  entries: (s: AppState) => s.cacheEntries,
  hasMore: (s: AppState) => s.cacheNextCursor !== null,
  nextCursor: (s: AppState) => s.cacheNextCursor,
  load: (s: AppState) => s.cacheLoad,
  error: (s: AppState) => s.cacheError,
  selectedIds: (s: AppState) => s.selectedCacheIds,
  selectedCount: (s: AppState) => s.selectedCacheIds.size,
  focusedId: (s: AppState) => s.focusedCacheId,
  inspect: (s: AppState) => s.cacheInspect,
};
