import type { StateCreator } from 'zustand';
import type { Page, Trace } from '../../../../shared/api/dto';
import type { AppState } from '../../store';

/** Rows kept in memory; older ones fall off the end (the gateway's database keeps them all). */
export const MAX_TRACE_ROWS = 100_000;
/** At most this many queued traces reach the store per flush, so a burst never blocks a frame. */
export const FLUSH_BATCH_SIZE = 1_000;
/** A flush runs on the next animation frame, or after this long when frames stall (background tab). */
export const FLUSH_DELAY_MS = 500;
/**
 * Flushes come at most this often: at 1,000 requests a second a flush per frame would repaint the whole
 * table 60 times a second for rows nobody can read at that speed. A first trace after a quiet spell
 * still shows on the next frame.
 */
export const MIN_FLUSH_INTERVAL_MS = 100;

export type TracesLoadState = 'idle' | 'loading' | 'loaded' | 'error';

export interface TracesSlice {
  /** newest first, unique by id, at most MAX_TRACE_ROWS */
  traces: Trace[];
  /** cursor for the page older than the last row; null when there is nothing older */
  tracesNextCursor: string | null;
  tracesLoad: TracesLoadState;
  tracesError: string | null;
  /** while paused, live traces wait in the queue and the table holds still */
  isTracesPaused: boolean;
  /** live traces waiting for the next flush (or for resume) */
  queuedTraceCount: number;

  /** queue live traces; they reach `traces` in capped batches on the next frame or within 500 ms */
  appendTraces(incoming: readonly Trace[]): void;
  /** move one batch from the queue into `traces` now */
  flushTraces(): void;
  /** merge the newest page (first load, or catching up after a reconnect) with what is already here */
  mergeLatestTraces(page: Page<Trace>): void;
  /** add an older page below the last row */
  appendOlderTraces(page: Page<Trace>): void;
  setTracesLoad(load: TracesLoadState, error?: string | null): void;
  setTracesPaused(isPaused: boolean): void;
  clearTraces(): void;
}

export const initialTracesState = {
  traces: [] as Trace[],
  tracesNextCursor: null as string | null,
  tracesLoad: 'idle' as TracesLoadState,
  tracesError: null as string | null,
  isTracesPaused: false,
  queuedTraceCount: 0,
};

export const createTracesSlice: StateCreator<AppState, [], [], TracesSlice> = (set, get) => {
  // Per store, outside React state: queueing must not re-render anything.
  let queue: Trace[] = [];
  let cancelScheduled: (() => void) | null = null;
  // Index of ids in `traces`, rebuilt when `traces` was replaced behind our back (setState in tests).
  let indexedRows: Trace[] | null = null;
  let ids = new Set<string>();

  const idsOf = (rows: Trace[]): Set<string> => {
    if (rows !== indexedRows) {
      ids = new Set(rows.map((row) => row.id));
      indexedRows = rows;
    }
    return ids;
  };

  /** Merges `incoming` into the current rows, keeping order, uniqueness, the index and the cap. */
  const mergeRows = (incoming: readonly Trace[], placement: 'sorted' | 'below'): Trace[] => {
    const current = get().traces;
    const known = idsOf(current);
    const fresh: Trace[] = [];
    for (const trace of incoming) {
      if (known.has(trace.id)) continue;
      known.add(trace.id);
      fresh.push(trace);
    }
    if (fresh.length === 0) return current;
    let merged =
      placement === 'below' ? current.concat(fresh) : mergeNewestFirst(sortNewestFirst(fresh), current);
    if (merged.length > MAX_TRACE_ROWS) {
      for (const dropped of merged.slice(MAX_TRACE_ROWS)) known.delete(dropped.id);
      merged = merged.slice(0, MAX_TRACE_ROWS);
    }
    indexedRows = merged;
    return merged;
  };

  let lastFlushAt = -Infinity;

  const scheduleFlush = (): void => {
    if (cancelScheduled) return;
    const run = (): void => {
      cancelScheduled?.();
      get().flushTraces();
    };
    const wait = lastFlushAt + MIN_FLUSH_INTERVAL_MS - Date.now();
    if (wait > 0) {
      const pause = setTimeout(run, wait);
      cancelScheduled = () => {
        clearTimeout(pause);
        cancelScheduled = null;
      };
      return;
    }
    const timer = setTimeout(run, FLUSH_DELAY_MS);
    const frame = typeof requestAnimationFrame === 'function' ? requestAnimationFrame(run) : null;
    cancelScheduled = () => {
      clearTimeout(timer);
      if (frame !== null) cancelAnimationFrame(frame);
      cancelScheduled = null;
    };
  };

  return {
    ...initialTracesState,

    appendTraces: (incoming) => {
      if (incoming.length === 0) return;
      queue.push(...incoming);
      // a long pause must not grow memory without bound: only the newest arrivals could be shown anyway
      if (queue.length > MAX_TRACE_ROWS) queue = queue.slice(queue.length - MAX_TRACE_ROWS);
      scheduleFlush();
    },

    flushTraces: () => {
      cancelScheduled?.();
      if (get().isTracesPaused) {
        if (get().queuedTraceCount !== queue.length) set({ queuedTraceCount: queue.length });
        return;
      }
      if (queue.length === 0) return;
      lastFlushAt = Date.now();
      const batch = queue.splice(0, FLUSH_BATCH_SIZE);
      const traces = mergeRows(batch, 'sorted');
      set({ traces, queuedTraceCount: queue.length });
      if (queue.length > 0) scheduleFlush();
    },

    mergeLatestTraces: (page) => {
      const isFirstLoad = get().tracesLoad !== 'loaded';
      const traces = mergeRows(page.items, 'sorted');
      set((state) => ({
        traces,
        tracesLoad: 'loaded',
        tracesError: null,
        tracesNextCursor: isFirstLoad ? page.nextCursor : state.tracesNextCursor,
      }));
    },

    appendOlderTraces: (page) => {
      const traces = mergeRows(page.items, 'below');
      const isFull = traces.length >= MAX_TRACE_ROWS;
      set({ traces, tracesNextCursor: isFull ? null : page.nextCursor });
    },

    setTracesLoad: (tracesLoad, tracesError = null) => set({ tracesLoad, tracesError }),

    setTracesPaused: (isTracesPaused) => {
      set({ isTracesPaused, queuedTraceCount: queue.length });
      if (!isTracesPaused && queue.length > 0) scheduleFlush();
    },

    clearTraces: () => {
      cancelScheduled?.();
      queue = [];
      indexedRows = null;
      set({ ...initialTracesState });
    },
  };
};

/** Newest first; among equal timestamps the later arrival goes first. */
export function sortNewestFirst(traces: readonly Trace[]): Trace[] {
  return traces
    .slice()
    .reverse()
    .sort((a, b) => b.ts - a.ts);
}

/** Merges two newest-first lists; the common case (everything new is newer) is a plain concat. */
export function mergeNewestFirst(newer: readonly Trace[], older: readonly Trace[]): Trace[] {
  const lastNewer = newer[newer.length - 1];
  const firstOlder = older[0];
  if (!lastNewer || !firstOlder || lastNewer.ts >= firstOlder.ts) return newer.concat(older);
  const merged: Trace[] = new Array<Trace>(newer.length + older.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < newer.length && j < older.length) {
    const a = newer[i] as Trace;
    const b = older[j] as Trace;
    if (a.ts >= b.ts) {
      merged[k++] = a;
      i++;
    } else {
      merged[k++] = b;
      j++;
    }
  }
  while (i < newer.length) merged[k++] = newer[i++] as Trace;
  while (j < older.length) merged[k++] = older[j++] as Trace;
  return merged;
}
