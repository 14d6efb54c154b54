import type { Trace } from '../../../../shared/api/dto';
import type { AppState } from '../../store';
import { hasActiveFilters, matchesTraceFilters, type TraceFilters } from './trace-view-slice';

let memoRows: Trace[] | null = null;
let memoFilters: TraceFilters | null = null;
let memoOlder: Trace[] | null = null;
let memoVisible: Trace[] = [];

/**
 * Rows passing the filters, then the older matches the gateway found below them; recomputed only when
 * the rows, the filters or those matches change.
 */
function selectVisible(s: AppState): Trace[] {
  const older = s.olderMatches.rows;
  if (s.traces === memoRows && s.traceFilters === memoFilters && older === memoOlder) return memoVisible;
  memoRows = s.traces;
  memoFilters = s.traceFilters;
  memoOlder = older;
  if (!hasActiveFilters(s.traceFilters)) {
    memoVisible = s.traces;
  } else {
    const needle = s.traceFilters.text.trim().toLowerCase();
    const loaded = s.traces.filter((t) => matchesTraceFilters(t, s.traceFilters, needle));
    memoVisible = older.length === 0 ? loaded : loaded.concat(older);
  }
  return memoVisible;
}

/** Plain selectors over the traces slices; each returns stored (or memoised) state, so no equality helper is needed. */
export const tracesSelectors = {
  all: (s: AppState): Trace[] => s.traces,
  count: (s: AppState): number => s.traces.length,
  visible: selectVisible,
  visibleCount: (s: AppState): number => selectVisible(s).length,
  byId:
    (id: string) =>
    (s: AppState): Trace | undefined =>
      s.traces.find((trace) => trace.id === id) ?? s.olderMatches.rows.find((trace) => trace.id === id),
  loadState: (s: AppState) => s.tracesLoad,
  error: (s: AppState) => s.tracesError,
  hasOlder: (s: AppState): boolean => s.tracesNextCursor !== null,
  nextCursor: (s: AppState) => s.tracesNextCursor,
  isPaused: (s: AppState): boolean => s.isTracesPaused,
  queuedCount: (s: AppState): number => s.queuedTraceCount,
  filters: (s: AppState) => s.traceFilters,
  isFiltered: (s: AppState): boolean => hasActiveFilters(s.traceFilters),
  selectedId: (s: AppState) => s.selectedTraceId,
  selected: (s: AppState): Trace | undefined =>
    s.selectedTraceId === null
      ? undefined
      : s.traces.find((t) => t.id === s.selectedTraceId) ?? s.olderMatches.rows.find((t) => t.id === s.selectedTraceId),
  olderMatches: (s: AppState) => s.olderMatches,
  /** with filters on: is there anything below the loaded rows the gateway could still search? */
  canSearchOlder: (s: AppState): boolean =>
    s.olderMatches.cursor === undefined ? s.tracesNextCursor !== null : s.olderMatches.cursor !== null,
  isAutoScroll: (s: AppState): boolean => s.isAutoScroll,
  detail: (s: AppState) => s.traceDetail,
  /** distinct projects and models among loaded rows, for the filter menus */
  facets: (s: AppState) => selectFacets(s.traces),
};

let facetRows: Trace[] | null = null;
let facetMemo = { projects: [] as string[], models: [] as string[] };

/**
 * Distinct projects and models. New rows arrive on top of the previous array, so only the rows above the
 * previous first row are scanned; a replaced list (clear, first load) is scanned in full.
 */
function selectFacets(rows: Trace[]) {
  if (rows === facetRows) return facetMemo;
  const previousFirst = facetRows?.[0];
  const known = rows.length > 0 && previousFirst !== undefined ? rows.indexOf(previousFirst) : -1;
  const scanUntil = known >= 0 ? known : rows.length;
  const projects = new Set<string>(known >= 0 ? facetMemo.projects : []);
  const models = new Set<string>(known >= 0 ? facetMemo.models : []);
  facetRows = rows;
  for (let i = 0; i < scanUntil; i++) {
    const t = rows[i] as Trace;
    projects.add(t.project);
    if (t.modelRequested) models.add(t.modelRequested);
    if (t.modelUsed) models.add(t.modelUsed);
  }
  const next = { projects: [...projects].sort(), models: [...models].sort() };
  // keep the old object when nothing changed, so menus don't re-render every flush
  if (sameList(next.projects, facetMemo.projects) && sameList(next.models, facetMemo.models)) return facetMemo;
  facetMemo = next;
  return facetMemo;
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
