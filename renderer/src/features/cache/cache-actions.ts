import { getAdminClient, type AdminClient } from '../../lib/admin-client';
import { describeError, isAbort } from '../../lib/describe-error';
import { useAppStore, type AppStore } from '../../store';
import { toCacheQuery, toInvalidateFilter } from './cache-slice';

const PAGE_SIZE = 200;
let listRequest: AbortController | null = null;
let inspectRequest: AbortController | null = null;

/** Loads the first page for the current filters, or (append) the next one. */
export async function loadCacheEntries(append = false, store: AppStore = useAppStore, client: AdminClient = getAdminClient()) {
  const state = store.getState();
  const cursor = append ? state.cacheNextCursor : undefined;
  if (append && cursor === null) return;
  listRequest?.abort();
  const request = new AbortController();
  listRequest = request;
  if (!append && state.cacheLoad !== 'loaded') state.setCacheLoad('loading');
  try {
    const page = await client.listCacheEntries(
      { ...toCacheQuery(state.cacheFilters), limit: PAGE_SIZE, cursor: cursor ?? undefined },
      request.signal,
    );
    if (!request.signal.aborted) store.getState().setCacheEntries(page, append);
  } catch (error) {
    if (isAbort(error) || request.signal.aborted) return;
    store.getState().setCacheLoad('error', describeError(error));
  }
}

/** Loads an entry and the requests it answered; `quiet` keeps the shown entry while refreshing it. */
export async function inspectCacheEntry(id: string, store: AppStore = useAppStore, client: AdminClient = getAdminClient(), quiet = false) {
  inspectRequest?.abort();
  const request = new AbortController();
  inspectRequest = request;
  if (!quiet) store.getState().setCacheInspect({ state: 'loading', id });
  try {
    const [entry, hits] = await Promise.all([client.getCacheEntry(id, request.signal), client.listCacheEntryHits(id, request.signal)]);
    if (!request.signal.aborted) store.getState().setCacheInspect({ state: 'loaded', id, entry, hits: hits.items });
  } catch (error) {
    if (isAbort(error) || request.signal.aborted) return;
    store.getState().setCacheInspect({ state: 'error', id, error: describeError(error) });
  }
}

/** Removes the given entries; answers how many went. */
export async function invalidateEntries(ids: string[], store: AppStore = useAppStore, client: AdminClient = getAdminClient()) {
  if (ids.length === 0) return 0;
  const { removed } = await client.deleteCacheEntries(ids);
  store.getState().removeCacheEntries(ids);
  return removed;
}

/** How many entries the current filters match (nothing is removed). */
export async function countMatchingEntries(store: AppStore = useAppStore, client: AdminClient = getAdminClient()) {
  const { removed } = await client.invalidateCache({ ...toInvalidateFilter(store.getState().cacheFilters), dryRun: true });
  return removed;
}

/** Removes everything the current filters match, then reloads the list. */
export async function invalidateMatching(store: AppStore = useAppStore, client: AdminClient = getAdminClient()) {
  const { removed } = await client.invalidateCache(toInvalidateFilter(store.getState().cacheFilters));
  await loadCacheEntries(false, store, client);
  return removed;
}

/** Semantic entries of a project whose prompt means about the same as `text` (dryRun only counts). */
export async function invalidateSimilar(
  project: string, text: string, minSimilarity: number, dryRun: boolean,
  store: AppStore = useAppStore, client: AdminClient = getAdminClient(),
) {
  const { removed } = await client.invalidateCache({ project, similarTo: text, minSimilarity, dryRun });
  if (!dryRun) await loadCacheEntries(false, store, client);
  return removed;
}

/** A semantic hit answered the wrong question: tighten its entry, then show the entry as it now is. */
export async function reportWrongEntryHit(entryId: string, similarity: number | null, store: AppStore = useAppStore, client: AdminClient = getAdminClient()) {
  await client.reportWrongHit(entryId, similarity ?? undefined);
  await inspectCacheEntry(entryId, store, client, true);
}
