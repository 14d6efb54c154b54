import { beforeEach, describe, expect, it } from 'vitest';
import type { CacheEntry } from '../../../../shared/api/dto';
import { createAppStore, type AppStore } from '../../store';
import { cacheSelectors, EMPTY_CACHE_FILTERS, hasCacheFilter, toCacheQuery, toInvalidateFilter } from './cache-slice';

function makeEntry(id: string): CacheEntry {
  return {
    id, project: 'p', model: 'gpt-4o-mini', endpoint: 'chat.completions', layer: 'exact', prompt: `prompt ${id}`,
    createdAt: 0, expiresAt: null, hits: 0, savedUsd: 0, costUsd: 0.001, tags: [],
  };
}

let store: AppStore;
beforeEach(() => {
  store = createAppStore();
  store.getState().setCacheEntries({ items: [makeEntry('a'), makeEntry('b'), makeEntry('c')], nextCursor: '3' }, false);
});

describe('cache slice', () => {
  it('toggles a selection and clears it when the filters change', () => {
    store.getState().toggleCacheSelected('a');
    store.getState().toggleCacheSelected('b');
    store.getState().toggleCacheSelected('a');
    expect([...cacheSelectors.selectedIds(store.getState())]).toEqual(['b']);
    store.getState().setCacheFilter('q', 'hello');
    expect(cacheSelectors.selectedCount(store.getState())).toBe(0);
  });

  it('appends the next page and forgets selected ids that are no longer listed', () => {
    store.getState().setCacheSelection(['a', 'c']);
    store.getState().setCacheEntries({ items: [makeEntry('d')], nextCursor: null }, true);
    expect(cacheSelectors.entries(store.getState()).map((e) => e.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(cacheSelectors.hasMore(store.getState())).toBe(false);
    store.getState().setCacheEntries({ items: [makeEntry('c')], nextCursor: null }, false);
    expect([...cacheSelectors.selectedIds(store.getState())]).toEqual(['c']);
  });

  it('drops invalidated entries from the list, the selection, the cursor and the inspector', () => {
    store.getState().setCacheSelection(['a', 'b']);
    store.getState().focusCacheEntry('b');
    store.getState().setCacheInspect({ state: 'loading', id: 'b' });
    store.getState().removeCacheEntries(['b']);
    expect(cacheSelectors.entries(store.getState()).map((e) => e.id)).toEqual(['a', 'c']);
    expect([...cacheSelectors.selectedIds(store.getState())]).toEqual(['a']);
    expect(cacheSelectors.focusedId(store.getState())).toBeNull();
    expect(cacheSelectors.inspect(store.getState())).toEqual({ state: 'idle' });
  });
});

describe('cache filters', () => {
  it('send the same filter to the list and to the invalidation, so the count shown is what goes', () => {
    const f = { ...EMPTY_CACHE_FILTERS, q: ' capital ', project: 'web', model: '', tag: 'faq', olderThanSec: 3600 };
    expect(toCacheQuery(f)).toEqual({ q: 'capital', project: 'web', model: undefined, tag: 'faq', olderThanSec: 3600, sort: 'age' });
    expect(toInvalidateFilter(f)).toEqual({ match: 'capital', project: 'web', model: undefined, tag: 'faq', olderThanSec: 3600 });
  });

  it('knows when nothing filters (invalidating then means everything)', () => {
    expect(hasCacheFilter(EMPTY_CACHE_FILTERS)).toBe(false);
    expect(hasCacheFilter({ ...EMPTY_CACHE_FILTERS, q: '   ' })).toBe(false);
    expect(hasCacheFilter({ ...EMPTY_CACHE_FILTERS, sort: 'hits' })).toBe(false);
    expect(hasCacheFilter({ ...EMPTY_CACHE_FILTERS, tag: 'x' })).toBe(true);
  });
});
