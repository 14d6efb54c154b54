import type { Trace } from '../../../../shared/api/dto';
import type { AppState } from '../../store';

/** Plain selectors over the traces slice; each returns state as stored, so no equality helper is needed. */
export const tracesSelectors = {
  all: (s: AppState): Trace[] => s.traces,
  count: (s: AppState): number => s.traces.length,
  byId:
    (id: string) =>
    (s: AppState): Trace | undefined =>
      s.traces.find((trace) => trace.id === id),
  loadState: (s: AppState) => s.tracesLoad,
  error: (s: AppState) => s.tracesError,
  hasOlder: (s: AppState): boolean => s.tracesNextCursor !== null,
  nextCursor: (s: AppState) => s.tracesNextCursor,
  isPaused: (s: AppState): boolean => s.isTracesPaused,
  queuedCount: (s: AppState): number => s.queuedTraceCount,
};
