import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useLayoutEffect, useRef, type ReactNode } from 'react';
import type { Trace } from '../../../../../shared/api/dto';
import { formatUsd } from '../../../../../shared/cost';
import { formatCount, formatDateTime, formatMs, formatTime } from '../../../lib/format';
import { CacheBadge } from './cache-badge';

/** Fixed row height lets the table render only the rows in view, even with 100k of them. */
export const ROW_HEIGHT = 24;
const OVERSCAN_ROWS = 16;

export interface TracesTableProps {
  traces: Trace[];
  selectedId: string | null;
  isAutoScroll: boolean;
  onSelect(id: string): void;
  /** the reader scrolled away from the newest rows (or back to them) */
  onScrollAway(isAway: boolean): void;
  footer?: ReactNode;
}

export function TracesTable({ traces, selectedId, isAutoScroll, onSelect, onScrollAway, footer }: TracesTableProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: traces.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: OVERSCAN_ROWS,
    // no getItemKey: rows have one fixed height, so positions by index are exact, and the virtualizer only
    // recomputes its 100k-entry layout when the count changes (a new key function each render would force it)
  });
  // the last scroll position, kept from scroll events so no effect has to read it (a read forces layout)
  const scrollTopRef = useRef(0);
  useFollowOrHoldStill(scrollRef, scrollTopRef, traces, isAutoScroll);

  const items = virtualizer.getVirtualItems();
  const selectedIndex = selectedId === null ? -1 : traces.findIndex((t) => t.id === selectedId);
  useEffect(() => {
    if (selectedIndex >= 0) virtualizer.scrollToIndex(selectedIndex, { align: 'auto' });
    // only when the selection moves, not when rows arrive (hence the narrow dependency list)
  }, [selectedId]);

  return (
    <div
      className="table-scroll"
      ref={scrollRef}
      onScroll={(e) => {
        scrollTopRef.current = e.currentTarget.scrollTop;
        onScrollAway(scrollTopRef.current > ROW_HEIGHT);
      }}
      role="grid"
      aria-rowcount={traces.length}
      aria-label="Requests"
    >
      <div className="trow thead" role="row">
        <span role="columnheader">Time</span>
        <span role="columnheader">Project</span>
        <span role="columnheader">Model</span>
        <span role="columnheader">Status</span>
        <span role="columnheader">Cache</span>
        <span role="columnheader" className="num">Latency</span>
        <span role="columnheader" className="num">TTFB</span>
        <span role="columnheader" className="num" title="input · cached input · output">Tokens</span>
        <span role="columnheader" className="num">Cost</span>
        <span role="columnheader" className="num">Saved</span>
      </div>
      <div className="tbody" style={{ height: virtualizer.getTotalSize() }}>
        {/* one offset for the block, rows in normal flow: a new row on top moves nothing else's style */}
        <div className="tbody-window" style={{ transform: `translateY(${items[0]?.start ?? 0}px)` }}>
          {items.map((item) => {
            const trace = traces[item.index];
            if (!trace) return null;
            return <TraceRow key={trace.id} trace={trace} isSelected={trace.id === selectedId} onSelect={onSelect} />;
          })}
        </div>
      </div>
      {footer}
    </div>
  );
}

interface TraceRowProps {
  trace: Trace;
  isSelected: boolean;
  onSelect(id: string): void;
}

const TraceRow = memo(function TraceRow({ trace, isSelected, onSelect }: TraceRowProps) {
  const isRerouted = trace.modelRequested !== null && trace.modelUsed !== null && trace.modelRequested !== trace.modelUsed;
  const model = trace.modelUsed ?? trace.modelRequested ?? '—';
  const estimated = trace.usageEstimated ? '~' : '';
  const isHit = trace.cache === 'hit';
  // a request that failed before any usage arrived cost nothing; "unpriced" would mislead
  const failedBeforeUsage = trace.costUsd === null && trace.promptTokens === null;
  return (
    <div
      className={`trow ${isSelected ? 'selected' : ''} ${trace.status >= 400 || trace.status === 0 ? 'failed' : ''}`}
      role="row"
      aria-selected={isSelected}
      data-trace-id={trace.id}
      onClick={() => onSelect(trace.id)}
      title={trace.error ?? undefined}
    >
      <span className="mono dim" title={formatDateTime(trace.ts)}>{formatTime(trace.ts)}</span>
      <span className="ellipsis">{trace.project}</span>
      <span className="mono ellipsis" title={isRerouted ? `${trace.modelRequested} → ${model}` : model}>
        {isRerouted && <span className="dim">{trace.modelRequested} → </span>}
        {model}
      </span>
      <span className={`mono status-${statusClass(trace.status)}`}>{trace.status === 0 ? 'aborted' : trace.status}</span>
      <span>
        <CacheBadge trace={trace} />
      </span>
      <span className="num mono">{formatMs(trace.latencyMs)}</span>
      <span className="num mono dim">{formatMs(trace.ttfbMs)}</span>
      <span className="num mono">
        {isHit ? (
          <span className="dim">—</span>
        ) : (
          <>
            {formatCount(trace.promptTokens, estimated)}
            <span className="dim">·{formatCount(trace.cachedTokens ?? 0)}·</span>
            {formatCount(trace.completionTokens, estimated)}
          </>
        )}
      </span>
      <span className={`num mono ${trace.costUsd === null && !failedBeforeUsage ? 'unpriced' : ''}`}>
        {failedBeforeUsage ? '—' : formatUsd(trace.costUsd)}
      </span>
      <SavedCell trace={trace} />
    </div>
  );
});

/** What the cache saved, or what routing to a cheaper model saved (marked ↘). */
function SavedCell({ trace }: { trace: Trace }) {
  if (trace.savedUsd > 0) return <span className="num mono saved" title="saved by the cache">{formatUsd(trace.savedUsd)}</span>;
  if (trace.routingSavedUsd !== null && trace.routingSavedUsd > 0) {
    return <span className="num mono saved" title={`saved by routing ${trace.modelRequested} → ${trace.modelUsed}`}>↘{formatUsd(trace.routingSavedUsd)}</span>;
  }
  return <span className="num mono" />;
}

/**
 * New rows arrive at the top. Following: stay at the top. Not following: shift the scroll position
 * by the rows added above, so the rows being read stay where they are.
 */
function useFollowOrHoldStill(
  scrollRef: React.RefObject<HTMLDivElement | null>,
  scrollTopRef: React.RefObject<number>,
  traces: Trace[],
  isAutoScroll: boolean,
) {
  const previousFirstId = useRef<string | undefined>(undefined);
  useLayoutEffect(() => {
    const element = scrollRef.current;
    const previousId = previousFirstId.current;
    previousFirstId.current = traces[0]?.id;
    if (!element) return;
    if (isAutoScroll) {
      if (scrollTopRef.current !== 0) {
        element.scrollTop = 0;
        scrollTopRef.current = 0;
      }
      return;
    }
    if (previousId === undefined || previousId === traces[0]?.id || scrollTopRef.current === 0) return;
    const added = traces.findIndex((trace) => trace.id === previousId);
    if (added > 0) {
      element.scrollTop = scrollTopRef.current + added * ROW_HEIGHT;
      scrollTopRef.current = element.scrollTop;
    }
  }, [scrollRef, scrollTopRef, traces, isAutoScroll]);
}

export function statusClass(status: number): string {
  if (status === 0) return 'aborted';
  if (status < 400) return 'ok';
  if (status < 500) return 'client-error';
  return 'server-error';
}
