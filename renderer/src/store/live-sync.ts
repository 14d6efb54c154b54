import type { AdminEvent } from '../../../shared/api/events';
import { formatUsd } from '../../../shared/cost';
import { loadCacheEntries } from '../features/cache/cache-actions';
import { loadProjects } from '../features/projects/project-actions';
import { hasActiveFilters, toTraceQuery } from '../features/traces/trace-view-slice';
import { ApiError, getAdminClient, type AdminClient } from '../lib/admin-client';
import { describeError } from '../lib/describe-error';
import { useAppStore, type AppStore } from './index';

/** Rows fetched on first load and when catching up after a reconnect. */
export const TRACE_PAGE_SIZE = 200;

let controller: AbortController | null = null;

/**
 * Wires the gateway's event stream into the store, outside any component: subscribe first, then
 * fetch the newest page, so nothing recorded in between is missed (duplicates are dropped by id).
 * Calling it again (e.g. after a new token) replaces the previous subscription.
 */
export function startLiveSync(store: AppStore = useAppStore, client: AdminClient = getAdminClient()): () => void {
  stopLiveSync();
  const current = new AbortController();
  controller = current;
  const { signal } = current;
  store.getState().setTracesLoad('loading');

  void client.subscribeEvents((event) => applyEvent(store, client, event), signal, {
    onStatus: (status, error) => {
      store.getState().setConnectionStatus(status, error === undefined ? null : describeError(error));
      if (status === 'unauthorized') store.getState().setTracesLoad('error', describeError(error));
      if (status === 'live') void catchUp(store, client, current);
    },
  });
  return () => {
    if (controller === current) stopLiveSync();
  };
}

export function stopLiveSync(): void {
  controller?.abort();
  controller = null;
}

/** Loads the page below the last row. */
export async function loadOlderTraces(store: AppStore = useAppStore, client: AdminClient = getAdminClient()) {
  const cursor = store.getState().tracesNextCursor;
  if (cursor === null) return;
  try {
    const page = await client.listTraces({ limit: TRACE_PAGE_SIZE, cursor });
    if (store.getState().tracesNextCursor === cursor) store.getState().appendOlderTraces(page);
  } catch (error) {
    store.getState().setTracesLoad('error', describeError(error));
  }
}

/**
 * With filters on, asks the gateway for the next page of matching rows older than everything loaded: the table
 * filters loaded rows itself, this finds the matches further back. A change of filters meanwhile drops the answer.
 */
export async function searchOlderMatches(store: AppStore = useAppStore, client: AdminClient = getAdminClient()) {
  const { traceFilters: filters, olderMatches, tracesNextCursor } = store.getState();
  if (!hasActiveFilters(filters) || olderMatches.isLoading) return;
  const cursor = olderMatches.cursor === undefined ? tracesNextCursor : olderMatches.cursor;
  if (cursor === null) return;
  store.getState().setOlderMatches({ ...olderMatches, isLoading: true, error: null });
  const stillCurrent = () => store.getState().traceFilters === filters;
  try {
    const page = await client.listTraces({ ...toTraceQuery(filters), limit: TRACE_PAGE_SIZE, cursor });
    if (!stillCurrent()) return;
    const rows = store.getState().olderMatches.rows;
    store.getState().setOlderMatches({ rows: rows.concat(page.items), cursor: page.nextCursor, isLoading: false, error: null });
  } catch (error) {
    if (stillCurrent()) store.getState().setOlderMatches({ ...store.getState().olderMatches, isLoading: false, error: describeError(error) });
  }
}

/** Coalesces refetches that a burst of events would otherwise repeat. */
const REFRESH_DELAY_MS = 300;
let projectsRefresh: ReturnType<typeof setTimeout> | undefined;
let cacheRefresh: ReturnType<typeof setTimeout> | undefined;

function applyEvent(store: AppStore, client: AdminClient, event: AdminEvent): void {
  const state = store.getState();
  switch (event.type) {
    case 'trace':
      state.appendTraces([event.trace]);
      // a request to /p/<new-slug>/ creates its project on first use
      if (state.projectsLoad === 'loaded' && !state.projects.some((p) => p.slug === event.trace.project)) {
        clearTimeout(projectsRefresh);
        projectsRefresh = setTimeout(() => void loadProjects(store, client), REFRESH_DELAY_MS);
      }
      break;
    case 'spend':
      state.setProjectSpend(event.project, event.todayUsd, event.monthUsd);
      break;
    case 'cache':
      if (state.page === 'cache') {
        clearTimeout(cacheRefresh);
        cacheRefresh = setTimeout(() => void loadCacheEntries(false, store, client), REFRESH_DELAY_MS);
      }
      break;
    case 'embedder':
      if (event.action === 'ready') {
        if (state.embedderProgress !== null) state.showToast(`Semantic cache ready (${event.embedder}).`);
        state.setEmbedderProgress(null);
      } else {
        const pct = event.progress === null ? '' : ` ${Math.round(event.progress)}%`;
        state.setEmbedderProgress(`embedder: ${event.status} ${event.file}${pct}`);
      }
      break;
    case 'budget-alert':
      state.showToast(describeBudgetAlert(event), event.threshold >= 100 ? 'error' : 'info');
      if (state.projectsLoad === 'loaded') void loadProjects(store, client);
      break;
    default:
      break;
  }
}

function describeBudgetAlert(e: Extract<AdminEvent, { type: 'budget-alert' }>): string {
  if (e.period === 'velocity') return `${e.project}: spending too fast (${formatUsd(e.spentUsd)} in a minute); blocked for a cool-down.`;
  const cap = e.period === 'daily' ? 'daily' : 'monthly';
  const who = e.scope ? `${e.project}: ${e.scope} ${e.scopeKey ?? ''}` : e.project;
  const whose = e.scope ? `the per-${e.scope} ${cap} cap` : `its ${cap} cap`;
  return `${who} reached ${e.threshold}% of ${whose}: ${formatUsd(e.spentUsd)} of ${formatUsd(e.capUsd)}.`;
}

async function catchUp(store: AppStore, client: AdminClient, subscription: AbortController): Promise<void> {
  const { signal } = subscription;
  const [health, page] = await Promise.allSettled([
    client.health(signal),
    client.listTraces({ limit: TRACE_PAGE_SIZE }, signal),
  ]);
  if (signal.aborted) return;
  if (health.status === 'fulfilled') store.getState().setHealth(health.value);
  if (health.status === 'fulfilled') void loadProjects(store, client);
  if (page.status === 'fulfilled') {
    store.getState().mergeLatestTraces(page.value);
    return;
  }
  const error: unknown = page.reason;
  if (error instanceof ApiError && error.isUnauthorized) {
    subscription.abort();
    store.getState().setConnectionStatus('unauthorized', describeError(error));
  }
  store.getState().setTracesLoad('error', describeError(error));
}
