import { useCallback, useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { focusSearch, useHotkeys } from '../../lib/hotkeys';
import { toProjectBaseUrl } from '../../lib/format';
import { useAppStore } from '../../store';
import { connectionSelectors } from '../../store/connection-slice';
import { describeError } from '../../lib/describe-error';
import { loadOlderTraces, searchOlderMatches } from '../../store/live-sync';
import { TraceDetailPane } from './components/trace-detail';
import { TraceFiltersBar } from './components/trace-filters';
import { TracesTable } from './components/traces-table';
import { clearTraceDetail, exportFilteredTraces, loadTraceDetail } from './trace-actions';
import { tracesSelectors } from './traces-selectors';

export function TracesPage() {
  const { visible, selectedId, selected, isAutoScroll, isPaused } = useAppStore(
    useShallow((s) => ({
      visible: tracesSelectors.visible(s),
      selectedId: tracesSelectors.selectedId(s),
      selected: tracesSelectors.selected(s),
      isAutoScroll: tracesSelectors.isAutoScroll(s),
      isPaused: tracesSelectors.isPaused(s),
    })),
  );
  const { selectTrace, setAutoScroll, setTracesPaused, resetTraceFilters } = useAppStore(
    useShallow((s) => ({
      selectTrace: s.selectTrace,
      setAutoScroll: s.setAutoScroll,
      setTracesPaused: s.setTracesPaused,
      resetTraceFilters: s.resetTraceFilters,
    })),
  );

  useEffect(() => {
    if (selectedId === null) clearTraceDetail();
    else void loadTraceDetail(selectedId);
  }, [selectedId]);

  const move = (step: number): void => {
    if (visible.length === 0) return;
    const index = selectedId === null ? -1 : visible.findIndex((t) => t.id === selectedId);
    const next = index < 0 ? 0 : Math.min(Math.max(index + step, 0), visible.length - 1);
    selectTrace(visible[next]?.id ?? null);
  };
  useHotkeys({
    j: () => move(1),
    ArrowDown: () => move(1),
    k: () => move(-1),
    ArrowUp: () => move(-1),
    Enter: () => (selectedId === null ? move(1) : undefined),
    Escape: () => selectTrace(null),
    ' ': () => setTracesPaused(!isPaused),
    a: () => setAutoScroll(!isAutoScroll),
    x: resetTraceFilters,
    '/': focusSearch,
  });

  const onScrollAway = useCallback(
    (isAway: boolean) => {
      // scrolling down to read stops following; coming back to the top resumes it
      const following = useAppStore.getState().isAutoScroll;
      if (isAway && following) setAutoScroll(false);
    },
    [setAutoScroll],
  );

  return (
    <section className="page">
      <TracesToolbar />
      <div className="split">
        <div className="split-main">
          {visible.length === 0 ? (
            <EmptyTraces />
          ) : (
            <TracesTable
              traces={visible}
              selectedId={selectedId}
              isAutoScroll={isAutoScroll}
              onSelect={selectTrace}
              onScrollAway={onScrollAway}
              footer={<LoadOlderButton />}
            />
          )}
        </div>
        {selected && <TraceDetailPane trace={selected} onClose={() => selectTrace(null)} />}
      </div>
    </section>
  );
}

function TracesToolbar() {
  const { count, visibleCount, isFiltered, isPaused, queued, isAutoScroll } = useAppStore(
    useShallow((s) => ({
      count: tracesSelectors.count(s),
      visibleCount: tracesSelectors.visibleCount(s),
      isFiltered: tracesSelectors.isFiltered(s),
      isPaused: tracesSelectors.isPaused(s),
      queued: tracesSelectors.queuedCount(s),
      isAutoScroll: tracesSelectors.isAutoScroll(s),
    })),
  );
  const { setPaused, setAutoScroll } = useAppStore(
    useShallow((s) => ({ setPaused: s.setTracesPaused, setAutoScroll: s.setAutoScroll })),
  );
  return (
    <div className="toolbar">
      <h1>Traces</h1>
      <span className="dim mono" data-testid="trace-count">
        {isFiltered ? `${visibleCount.toLocaleString()} of ${count.toLocaleString()}` : `${count.toLocaleString()} rows`}
      </span>
      <TraceFiltersBar />
      <span className="spacer" />
      {isPaused && queued > 0 && <span className="badge warn-badge">{queued.toLocaleString()} new</span>}
      <ExportButton />
      <button
        type="button"
        className={`button toggle ${isAutoScroll ? 'on' : ''}`}
        onClick={() => setAutoScroll(!isAutoScroll)}
        aria-pressed={isAutoScroll}
        title="Follow the newest request (a)"
      >
        Auto-scroll
      </button>
      <button
        type="button"
        className={`button toggle ${isPaused ? 'on warn' : ''}`}
        onClick={() => setPaused(!isPaused)}
        aria-pressed={isPaused}
        title="Hold the table still; new requests wait (Space)"
      >
        {isPaused ? '▶ Resume' : '❚❚ Pause'}
      </button>
    </div>
  );
}

/** Downloads what the filters match from the gateway's whole history, as CSV for a spreadsheet. */
function ExportButton() {
  const showToast = useAppStore((s) => s.showToast);
  const [isBusy, setBusy] = useState(false);
  const run = (): void => {
    setBusy(true);
    exportFilteredTraces()
      .catch((e: unknown) => showToast(`Export failed: ${describeError(e)}`, 'error'))
      .finally(() => setBusy(false));
  };
  return (
    <button type="button" className="button" onClick={run} disabled={isBusy} title="Every request the filters match, as CSV">
      {isBusy ? 'Exporting…' : 'Export CSV'}
    </button>
  );
}

function LoadOlderButton() {
  const hasOlder = useAppStore(tracesSelectors.hasOlder);
  const isFiltered = useAppStore(tracesSelectors.isFiltered);
  const [isLoading, setIsLoading] = useState(false);
  if (isFiltered) return <SearchOlderButton />;
  if (!hasOlder) return null;
  const loadOlder = (): void => {
    setIsLoading(true);
    void loadOlderTraces().finally(() => setIsLoading(false));
  };
  return (
    <div className="table-footer">
      <button type="button" className="button" onClick={loadOlder} disabled={isLoading}>
        {isLoading ? 'Loading…' : 'Load older'}
      </button>
    </div>
  );
}

/** With filters on, the gateway searches its whole history below the loaded rows, a page of matches at a time. */
function SearchOlderButton() {
  const older = useAppStore(tracesSelectors.olderMatches);
  const canSearch = useAppStore(tracesSelectors.canSearchOlder);
  const searched = older.cursor !== undefined;
  if (!canSearch && !searched) return null;
  return (
    <div className="table-footer">
      {older.error && <span className="error">{older.error}</span>}
      {searched && (
        <span className="dim">
          {older.rows.length.toLocaleString()} older {older.rows.length === 1 ? 'match' : 'matches'} from the gateway
        </span>
      )}
      {canSearch ? (
        <button type="button" className="button" onClick={() => void searchOlderMatches()} disabled={older.isLoading}>
          {older.isLoading ? 'Searching…' : searched ? 'Search further back' : 'Search older requests'}
        </button>
      ) : (
        <span className="dim">· nothing older matches</span>
      )}
    </div>
  );
}

function EmptyTraces() {
  const { status, error, health, load, loadError, isFiltered } = useAppStore(
    useShallow((s) => ({
      status: connectionSelectors.status(s),
      error: connectionSelectors.error(s),
      health: connectionSelectors.health(s),
      load: tracesSelectors.loadState(s),
      loadError: tracesSelectors.error(s),
      isFiltered: tracesSelectors.isFiltered(s),
    })),
  );
  const resetFilters = useAppStore((s) => s.resetTraceFilters);

  if (status === 'offline') {
    return (
      <div className="empty">
        <h2>Cannot reach the gateway</h2>
        <p className="dim">{error ?? 'The connection dropped.'} Retrying…</p>
      </div>
    );
  }
  if (load === 'error') {
    return (
      <div className="empty">
        <h2>Could not load traces</h2>
        <p className="dim">{loadError}</p>
      </div>
    );
  }
  if (status === 'connecting' || load !== 'loaded') {
    return <div className="empty dim">Connecting to the gateway…</div>;
  }
  if (isFiltered) {
    return (
      <div className="empty">
        <h2>No loaded request matches these filters</h2>
        <p>
          <button type="button" className="button" onClick={resetFilters}>
            Clear filters (x)
          </button>
        </p>
        <SearchOlderButton />
      </div>
    );
  }
  const baseUrl = toProjectBaseUrl(health?.proxyUrl ?? 'http://127.0.0.1:8686', null);
  return (
    <div className="empty">
      <h2>No requests yet</h2>
      <p className="dim">Point any OpenAI SDK at the gateway and each call shows up here as it happens:</p>
      <pre className="code">export OPENAI_BASE_URL={baseUrl}</pre>
      <p className="dim">
        Per project: <code>{toProjectBaseUrl(health?.proxyUrl ?? 'http://127.0.0.1:8686', 'my-app')}</code>. Press{' '}
        <kbd>?</kbd> for keyboard shortcuts.
      </p>
    </div>
  );
}
