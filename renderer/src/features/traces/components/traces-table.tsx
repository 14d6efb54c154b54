import { useEffect, useLayoutEffect, useRef, useState, type ReactNode, type RefObject } from 'react';
import type { Trace } from '../../../../../shared/api/dto';
import { formatUsd } from '../../../../../shared/cost';

/** Fixed row height lets the table render only the rows in view, even with 100k of them. */
const ROW_HEIGHT = 24;
const OVERSCAN_ROWS = 12;

export interface TracesTableProps {
  traces: Trace[];
  footer?: ReactNode;
}

export function TracesTable({ traces, footer }: TracesTableProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewportHeight, setViewportHeight] = useState(600);
  useKeepScrolledRowsStill(scrollRef, traces);

  useEffect(() => {
    const element = scrollRef.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setViewportHeight(element.clientHeight));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN_ROWS);
  const last = Math.min(traces.length, Math.ceil((scrollTop + viewportHeight) / ROW_HEIGHT) + OVERSCAN_ROWS);
  const visible = traces.slice(first, last);

  return (
    <div className="table-scroll" ref={scrollRef} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}>
      <table className="traces-table">
        <colgroup>
          <col className="col-time" />
          <col className="col-project" />
          <col className="col-model" />
          <col className="col-status" />
          <col className="col-cache" />
          <col className="col-num" />
          <col className="col-num" />
          <col className="col-num" />
          <col className="col-cost" />
        </colgroup>
        <thead>
          <tr>
            <th>Time</th>
            <th>Project</th>
            <th>Model</th>
            <th>Status</th>
            <th>Cache</th>
            <th className="num">Latency</th>
            <th className="num">In</th>
            <th className="num">Out</th>
            <th className="num">Cost</th>
          </tr>
        </thead>
        <tbody>
          {first > 0 && <tr aria-hidden style={{ height: first * ROW_HEIGHT }} />}
          {visible.map((trace) => (
            <TraceRow key={trace.id} trace={trace} />
          ))}
          {last < traces.length && <tr aria-hidden style={{ height: (traces.length - last) * ROW_HEIGHT }} />}
        </tbody>
      </table>
      {footer}
    </div>
  );
}

function TraceRow({ trace }: { trace: Trace }) {
  const model = trace.modelUsed ?? trace.modelRequested ?? '—';
  const isRerouted = trace.modelRequested !== null && trace.modelUsed !== null && trace.modelRequested !== trace.modelUsed;
  const estimated = trace.usageEstimated ? '~' : '';
  // a request that failed before any usage arrived cost nothing; "unpriced" would mislead
  const failedBeforeUsage = trace.costUsd === null && trace.promptTokens === null;
  return (
    <tr style={{ height: ROW_HEIGHT }} title={trace.error ?? undefined}>
      <td className="mono dim">{formatTime(trace.ts)}</td>
      <td>{trace.project}</td>
      <td className="mono" title={isRerouted ? `${trace.modelRequested} → ${model}` : model}>
        {isRerouted && <span className="dim">{trace.modelRequested} → </span>}
        {model}
      </td>
      <td className={`mono status-${statusClass(trace.status)}`}>{trace.status === 0 ? 'aborted' : trace.status}</td>
      <td>
        <span className={`badge cache-${trace.cache} ${trace.cacheLayer === 'semantic' ? 'layer-semantic' : ''}`}>
          {trace.cache}
          {trace.cacheLayer === 'semantic' && ' ≈'}
        </span>
      </td>
      <td className="num mono">{formatLatency(trace.latencyMs)}</td>
      <td className="num mono" title={trace.cachedTokens ? `${trace.cachedTokens} cached` : undefined}>
        {formatTokens(trace.promptTokens, estimated)}
      </td>
      <td className="num mono">{formatTokens(trace.completionTokens, estimated)}</td>
      <td
        className={`num mono ${trace.costUsd === null && !failedBeforeUsage ? 'unpriced' : ''}`}
        title={trace.savedUsd > 0 ? `saved ${formatUsd(trace.savedUsd)}` : undefined}
      >
        {failedBeforeUsage ? '—' : formatUsd(trace.costUsd)}
        {trace.savedUsd > 0 && <span className="saved"> −{formatUsd(trace.savedUsd)}</span>}
      </td>
    </tr>
  );
}

/**
 * New rows arrive at the top. When the reader has scrolled down, shift the scroll position by the
 * rows added above so the rows they are reading stay where they are.
 */
function useKeepScrolledRowsStill(scrollRef: RefObject<HTMLDivElement | null>, traces: Trace[]) {
  const previousFirstId = useRef<string | undefined>(undefined);
  useLayoutEffect(() => {
    const element = scrollRef.current;
    const previousId = previousFirstId.current;
    previousFirstId.current = traces[0]?.id;
    if (!element || element.scrollTop === 0 || previousId === undefined) return;
    const added = traces.findIndex((trace) => trace.id === previousId);
    if (added > 0) element.scrollTop += added * ROW_HEIGHT;
  }, [scrollRef, traces]);
}

function statusClass(status: number): string {
  if (status === 0) return 'aborted';
  if (status < 400) return 'ok';
  if (status < 500) return 'client-error';
  return 'server-error';
}

const timeFormat = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});
const dateFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });

function formatTime(ts: number): string {
  const date = new Date(ts);
  const time = `${timeFormat.format(date)}.${String(date.getMilliseconds()).padStart(3, '0')}`;
  const isToday = date.toDateString() === new Date().toDateString();
  return isToday ? time : `${dateFormat.format(date)} ${time}`;
}

function formatLatency(ms: number): string {
  return ms < 1_000 ? `${Math.round(ms)} ms` : `${(ms / 1_000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

function formatTokens(tokens: number | null, prefix: string): string {
  return tokens === null ? '—' : `${prefix}${tokens.toLocaleString()}`;
}
