import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { CacheEntry } from '../../../../shared/api/dto';
import { formatUsd } from '../../../../shared/cost';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { describeError } from '../../lib/describe-error';
import { formatDuration } from '../../lib/format';
import { focusSearch, useHotkeys } from '../../lib/hotkeys';
import { useAppStore } from '../../store';
import { countMatchingEntries, inspectCacheEntry, invalidateEntries, invalidateMatching, loadCacheEntries } from './cache-actions';
import { cacheSelectors, hasCacheFilter } from './cache-slice';
import { CacheFiltersBar } from './components/cache-filters';
import { CacheInspector } from './components/cache-inspector';
import { SimilarDialog } from './components/similar-dialog';

type Pending = { kind: 'selection'; ids: string[] } | { kind: 'filter'; count: number } | null;

export function CachePage() {
  const { entries, filters, load, error, hasMore, selectedIds, focusedId } = useAppStore(
    useShallow((s) => ({
      entries: cacheSelectors.entries(s),
      filters: cacheSelectors.filters(s),
      load: cacheSelectors.load(s),
      error: cacheSelectors.error(s),
      hasMore: cacheSelectors.hasMore(s),
      selectedIds: cacheSelectors.selectedIds(s),
      focusedId: cacheSelectors.focusedId(s),
    })),
  );
  const { toggle, setSelection, focus, showToast } = useAppStore(
    useShallow((s) => ({ toggle: s.toggleCacheSelected, setSelection: s.setCacheSelection, focus: s.focusCacheEntry, showToast: s.showToast })),
  );
  const [pending, setPending] = useState<Pending>(null);
  const [busy, setBusy] = useState(false);
  const [isSimilarOpen, setSimilarOpen] = useState(false);

  // the list follows the filters; typing in the search box waits for a pause
  useEffect(() => {
    const timer = setTimeout(() => void loadCacheEntries(), 200);
    return () => clearTimeout(timer);
  }, [filters]);

  useEffect(() => {
    if (focusedId !== null) void inspectCacheEntry(focusedId);
  }, [focusedId]);

  const move = (step: number): void => {
    if (entries.length === 0) return;
    const index = focusedId === null ? -1 : entries.findIndex((e) => e.id === focusedId);
    const next = index < 0 ? 0 : Math.min(Math.max(index + step, 0), entries.length - 1);
    focus(entries[next]?.id ?? null);
  };
  const askSelection = (): void => {
    if (selectedIds.size > 0) setPending({ kind: 'selection', ids: [...selectedIds] });
  };
  const askFilter = (): void => {
    setBusy(true);
    countMatchingEntries()
      .then((count) => setPending({ kind: 'filter', count }), (e: unknown) => showToast(describeError(e), 'error'))
      .finally(() => setBusy(false));
  };
  const confirm = (): void => {
    if (!pending) return;
    setBusy(true);
    const run = pending.kind === 'selection' ? invalidateEntries(pending.ids) : invalidateMatching();
    run
      .then((removed) => showToast(`Invalidated ${removed} cache ${removed === 1 ? 'entry' : 'entries'}.`), (e: unknown) => showToast(describeError(e), 'error'))
      .finally(() => {
        setBusy(false);
        setPending(null);
      });
  };

  useHotkeys({
    j: () => move(1),
    ArrowDown: () => move(1),
    k: () => move(-1),
    ArrowUp: () => move(-1),
    x: () => focusedId !== null && toggle(focusedId),
    Enter: () => (focusedId === null ? move(1) : undefined),
    Escape: () => (pending ? setPending(null) : focus(null)),
    Delete: askSelection,
    Backspace: askSelection,
    '/': focusSearch,
  });

  const allSelected = entries.length > 0 && entries.every((e) => selectedIds.has(e.id));
  const filtered = hasCacheFilter(filters);
  return (
    <section className="page">
      <div className="toolbar">
        <h1>Cache</h1>
        <span className="dim mono" data-testid="cache-count">{entries.length}{hasMore ? '+' : ''} entries</span>
        <CacheFiltersBar />
        <span className="spacer" />
        <button type="button" className="button danger" disabled={selectedIds.size === 0 || busy} onClick={askSelection}>
          Invalidate selected ({selectedIds.size})
        </button>
        <button
          type="button"
          className="button"
          disabled={!filters.project}
          onClick={() => setSimilarOpen(true)}
          title={filters.project ? 'Invalidate semantic entries by meaning' : 'Pick a project first: similarity uses its embedder'}
        >
          Similar to…
        </button>
        <button type="button" className="button danger" disabled={busy || entries.length === 0} onClick={askFilter}>
          {filtered ? 'Invalidate all matching…' : 'Invalidate all…'}
        </button>
      </div>
      <div className="split">
        <div className="split-main table-scroll">
          {load === 'error' && <p className="error-box">Could not load the cache: {error}</p>}
          <table className="grid-table cache-table" aria-label="Cache entries">
            <thead>
              <tr>
                <th className="check">
                  <input
                    type="checkbox"
                    aria-label="Select all shown"
                    checked={allSelected}
                    onChange={() => setSelection(allSelected ? [] : entries.map((e) => e.id))}
                  />
                </th>
                <th>Prompt</th>
                <th>Project</th>
                <th>Model</th>
                <th>Layer</th>
                <th className="num">Hits</th>
                <th className="num">Saved</th>
                <th className="num">Age</th>
                <th className="num">Expires</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <EntryRow key={e.id} entry={e} isChecked={selectedIds.has(e.id)} isFocused={e.id === focusedId} onToggle={toggle} onFocus={focus} />
              ))}
            </tbody>
          </table>
          {hasMore && (
            <div className="table-footer">
              <button type="button" className="button" onClick={() => void loadCacheEntries(true)}>Load more</button>
            </div>
          )}
          {load === 'loaded' && entries.length === 0 && (
            <div className="empty">
              <h2>{filtered ? 'No cached answer matches these filters' : 'Nothing cached yet'}</h2>
              <p className="dim">
                Deterministic requests (temperature 0, or a seed) are cached by default; a project&apos;s cache policy can
                change that.
              </p>
            </div>
          )}
        </div>
        {focusedId !== null && <CacheInspector onClose={() => focus(null)} onInvalidate={(id) => setPending({ kind: 'selection', ids: [id] })} />}
      </div>
      {isSimilarOpen && filters.project && <SimilarDialog project={filters.project} onClose={() => setSimilarOpen(false)} />}
      {pending && (
        <ConfirmDialog
          title="Invalidate cache entries"
          confirmLabel={`Invalidate ${pending.kind === 'selection' ? pending.ids.length : pending.count}`}
          isBusy={busy}
          onConfirm={confirm}
          onCancel={() => setPending(null)}
        >
          {pending.kind === 'selection' ? (
            <p data-testid="confirm-count">
              <strong>{pending.ids.length}</strong> selected {pending.ids.length === 1 ? 'entry goes' : 'entries go'}. The next identical
              request will be a miss and ask the provider again.
            </p>
          ) : (
            <p data-testid="confirm-count">
              <strong>{pending.count}</strong> {pending.count === 1 ? 'entry matches' : 'entries match'}{' '}
              {filtered ? 'the current filters' : '(everything in the cache)'} and will go.
            </p>
          )}
        </ConfirmDialog>
      )}
    </section>
  );
}

function EntryRow({ entry: e, isChecked, isFocused, onToggle, onFocus }: {
  entry: CacheEntry; isChecked: boolean; isFocused: boolean; onToggle(id: string): void; onFocus(id: string): void;
}) {
  const now = Date.now();
  return (
    <tr className={`${isFocused ? 'selected' : ''} ${isChecked ? 'checked' : ''}`} onClick={() => onFocus(e.id)} data-entry-id={e.id}>
      <td className="check" onClick={(ev) => ev.stopPropagation()}>
        <input type="checkbox" checked={isChecked} onChange={() => onToggle(e.id)} aria-label={`Select entry ${e.prompt.slice(0, 40)}`} />
      </td>
      <td className="ellipsis prompt-cell" title={e.prompt}>
        {e.layer === 'semantic' && <span className="badge layer-semantic" title="semantic entry: also answers prompts that mean the same">≈</span>}{' '}
        {e.prompt || <span className="dim">(no text)</span>}
      </td>
      <td>{e.project}</td>
      <td className="mono">{e.model}</td>
      <td><span className={`badge ${e.layer === 'semantic' ? 'cache-hit layer-semantic' : ''}`}>{e.layer}</span></td>
      <td className="num mono">{e.hits}</td>
      <td className="num mono saved">{e.savedUsd > 0 ? formatUsd(e.savedUsd) : '—'}</td>
      <td className="num mono dim">{formatDuration(now - e.createdAt)}</td>
      <td className="num mono dim">{e.expiresAt === null ? 'never' : e.expiresAt <= now ? 'expired' : `in ${formatDuration(e.expiresAt - now)}`}</td>
    </tr>
  );
}
