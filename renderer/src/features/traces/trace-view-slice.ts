import type { StateCreator } from 'zustand';
import type { Trace, TraceDetail } from '../../../../shared/api/dto';
import type { TraceQuery } from '../../../../shared/api/routes';
import type { AppState } from '../../store';

/** cache filter values: the trace's cache status, with hits split by layer */
export type CacheFilter = '' | 'hit' | 'hit-exact' | 'hit-semantic' | 'miss' | 'bypass' | 'off';
export type StatusFilter = '' | 'ok' | 'error' | '4xx' | '5xx' | 'aborted';

export interface TraceFilters {
  project: string;
  model: string;
  status: StatusFilter;
  cache: CacheFilter;
  /** free text over path, models, user, feature, tags and error */
  text: string;
}

export type DetailLoad =
  | { state: 'idle' }
  | { state: 'loading'; id: string }
  | { state: 'loaded'; id: string; detail: TraceDetail }
  | { state: 'error'; id: string; error: string };

/** Rows older than everything loaded that the gateway found for the current filters ("Search older"). */
export interface OlderMatches {
  rows: Trace[];
  /** where the next search continues; null: nothing older matches; undefined: not searched yet */
  cursor: string | null | undefined;
  isLoading: boolean;
  error: string | null;
}

export const NO_OLDER_MATCHES: OlderMatches = { rows: [], cursor: undefined, isLoading: false, error: null };

export interface TraceViewSlice {
  traceFilters: TraceFilters;
  olderMatches: OlderMatches;
  selectedTraceId: string | null;
  /** follow the newest row; off holds the rows being read still while new ones arrive above */
  isAutoScroll: boolean;
  traceDetail: DetailLoad;
  setTraceFilter<K extends keyof TraceFilters>(key: K, value: TraceFilters[K]): void;
  resetTraceFilters(): void;
  selectTrace(id: string | null): void;
  setAutoScroll(isOn: boolean): void;
  setTraceDetail(load: DetailLoad): void;
  setOlderMatches(next: OlderMatches): void;
}

export const EMPTY_TRACE_FILTERS: TraceFilters = { project: '', model: '', status: '', cache: '', text: '' };

export const initialTraceViewState = {
  traceFilters: EMPTY_TRACE_FILTERS,
  olderMatches: NO_OLDER_MATCHES,
  selectedTraceId: null as string | null,
  isAutoScroll: true,
  traceDetail: { state: 'idle' } as DetailLoad,
};

export const createTraceViewSlice: StateCreator<AppState, [], [], TraceViewSlice> = (set) => ({
  ...initialTraceViewState,
  // other filters make other matches: a search below the loaded rows starts over
  setTraceFilter: (key, value) => set((s) => ({ traceFilters: { ...s.traceFilters, [key]: value }, olderMatches: NO_OLDER_MATCHES })),
  resetTraceFilters: () => set({ traceFilters: EMPTY_TRACE_FILTERS, olderMatches: NO_OLDER_MATCHES }),
  setOlderMatches: (olderMatches) => set({ olderMatches }),
  // reading a row means holding the table still: selecting turns following off
  selectTrace: (id) => set((s) => ({ selectedTraceId: id, isAutoScroll: id === null ? s.isAutoScroll : false })),
  setAutoScroll: (isAutoScroll) => set({ isAutoScroll }),
  setTraceDetail: (traceDetail) => set({ traceDetail }),
});

/** The filters as the admin API's trace query: the gateway searches its history the way the table filters rows. */
export function toTraceQuery(f: TraceFilters): Omit<TraceQuery, 'limit' | 'cursor'> {
  return {
    project: f.project || undefined, model: f.model || undefined, status: f.status || undefined,
    cache: f.cache || undefined, q: f.text.trim() || undefined,
  };
}

export function hasActiveFilters(f: TraceFilters): boolean {
  return f.project !== '' || f.model !== '' || f.status !== '' || f.cache !== '' || f.text.trim() !== '';
}

/** Does one trace pass the filters? Pure, so the table can filter 100k rows per frame. */
export function matchesTraceFilters(t: Trace, f: TraceFilters, needle = f.text.trim().toLowerCase()): boolean {
  if (f.project && t.project !== f.project) return false;
  if (f.model && t.modelRequested !== f.model && t.modelUsed !== f.model) return false;
  if (f.status && !matchesStatus(t.status, f.status)) return false;
  if (f.cache && !matchesCache(t, f.cache)) return false;
  if (needle && !searchText(t).includes(needle)) return false;
  return true;
}

function matchesStatus(status: number, filter: StatusFilter): boolean {
  switch (filter) {
    case 'ok': return status > 0 && status < 400;
    case 'error': return status === 0 || status >= 400;
    case '4xx': return status >= 400 && status < 500;
    case '5xx': return status >= 500;
    case 'aborted': return status === 0;
    default: return true;
  }
}

function matchesCache(t: Trace, filter: CacheFilter): boolean {
  if (filter === 'hit-exact') return t.cache === 'hit' && t.cacheLayer !== 'semantic';
  if (filter === 'hit-semantic') return t.cache === 'hit' && t.cacheLayer === 'semantic';
  return t.cache === filter;
}

const searchTextCache = new WeakMap<Trace, string>();

function searchText(t: Trace): string {
  let text = searchTextCache.get(t);
  if (text === undefined) {
    text = [t.path, t.modelRequested, t.modelUsed, t.project, t.user, t.feature, t.error, t.provider, t.id, ...t.tags]
      .filter(Boolean)
      .join('\n')
      .toLowerCase();
    searchTextCache.set(t, text);
  }
  return text;
}
