import { useEffect, useState } from 'react';
import type { Trace, TraceDetail } from '../../../../../shared/api/dto';
import type { PriceLookup } from '../../../../../shared/api/dashboard';
import { formatUsd } from '../../../../../shared/cost';
import { HeadersTable } from '../../../components/headers-table';
import { JsonView } from '../../../components/json-view';
import { formatCount, formatDateTime, formatMs } from '../../../lib/format';
import { useAppStore } from '../../../store';
import { buildCostMath } from '../cost-math';
import { lookupPrice } from '../trace-actions';
import { tracesSelectors } from '../traces-selectors';
import { CacheBadge } from './cache-badge';
import { StageBar } from './stage-bar';
import { statusClass } from './traces-table';

/** Fields later issues add to a trace; shown when the gateway sends them. */
interface TraceExtras {
  cacheSimilarity?: number | null;
  downgradedFrom?: string | null;
  routingSavedUsd?: number | null;
  attempts?: Array<Record<string, unknown>>;
  routing?: unknown;
}

export function TraceDetailPane({ trace, onClose }: { trace: Trace; onClose(): void }) {
  const load = useAppStore(tracesSelectors.detail);
  const detail = load.state === 'loaded' && load.id === trace.id ? load.detail : null;
  const extras = trace as Trace & TraceExtras;
  return (
    <aside className="detail" aria-label="Request detail">
      <header className="detail-head">
        <span className={`mono status-${statusClass(trace.status)}`}>{trace.status === 0 ? 'aborted' : trace.status}</span>
        <span className="mono ellipsis">
          {trace.method} {trace.path}
        </span>
        <span className="spacer" />
        <button type="button" className="icon-button" onClick={onClose} title="Close (Esc)" aria-label="Close detail">
          ✕
        </button>
      </header>
      <div className="detail-body">
        {trace.error && <p className="error-box">{trace.error}</p>}
        <Section title="Summary">
          <table className="kv">
            <tbody>
              <Row label="Time">{formatDateTime(trace.ts)}</Row>
              <Row label="Project">{trace.project}</Row>
              <Row label="Model" testId="detail-model">
                {trace.modelRequested ?? '—'}
                {trace.modelUsed && trace.modelUsed !== trace.modelRequested && <> → {trace.modelUsed}</>}
              </Row>
              {extras.downgradedFrom && <Row label="Downgraded">from {extras.downgradedFrom} (budget)</Row>}
              <Row label="Provider">{trace.provider ?? '—'}</Row>
              <Row label="Cache">
                <CacheBadge trace={trace} /> {trace.cacheReason && <span className="dim small">{trace.cacheReason}</span>}
                {typeof extras.cacheSimilarity === 'number' && <span className="dim small"> similarity {extras.cacheSimilarity.toFixed(3)}</span>}
              </Row>
              <Row label="Tokens" testId="detail-tokens">
                {formatCount(trace.promptTokens)} in · {formatCount(trace.cachedTokens ?? 0)} cached ·{' '}
                {formatCount(trace.completionTokens)} out
                {trace.usageEstimated && <span className="warn small"> (estimated)</span>}
              </Row>
              <Row label="Cost" testId="detail-cost">
                {trace.costUsd === null && trace.promptTokens === null ? (
                  <span className="dim">— (no usage)</span>
                ) : (
                  <span className={trace.costUsd === null ? 'unpriced' : ''}>{formatUsd(trace.costUsd)}</span>
                )}
                {trace.savedUsd > 0 && <span className="saved"> saved {formatUsd(trace.savedUsd)}</span>}
                {typeof extras.routingSavedUsd === 'number' && extras.routingSavedUsd > 0 && (
                  <span className="saved"> routing saved {formatUsd(extras.routingSavedUsd)}</span>
                )}
              </Row>
              <Row label="Latency">
                {formatMs(trace.latencyMs)} <span className="dim">(first byte {formatMs(trace.ttfbMs)})</span>
              </Row>
              {(trace.user || trace.feature || trace.tags.length > 0) && (
                <Row label="Attribution">
                  {trace.user && <span className="chip">user {trace.user}</span>}
                  {trace.feature && <span className="chip">feature {trace.feature}</span>}
                  {trace.tags.map((t) => (
                    <span key={t} className="chip">#{t}</span>
                  ))}
                </Row>
              )}
              <Row label="Trace id"><span className="mono dim small">{trace.id}</span></Row>
            </tbody>
          </table>
        </Section>
        <Section title="Cost math">
          <CostMathView trace={trace} />
        </Section>
        {Array.isArray(extras.attempts) && extras.attempts.length > 0 && (
          <Section title="Attempts">
            <Attempts attempts={extras.attempts} />
          </Section>
        )}
        <Section title="Timing">
          <StageBar stages={trace.stages} latencyMs={trace.latencyMs} ttfbMs={trace.ttfbMs} />
        </Section>
        <Bodies trace={trace} detail={detail} load={load} />
      </div>
    </aside>
  );
}

function Bodies({ trace, detail, load }: { trace: Trace; detail: TraceDetail | null; load: ReturnType<typeof tracesSelectors.detail> }) {
  if (!detail) {
    if (load.state === 'error' && load.id === trace.id) return <p className="error-box">Could not load the bodies: {load.error}</p>;
    return <p className="dim small pad">Loading bodies…</p>;
  }
  return (
    <>
      <Section title="Request">
        <JsonView value={detail.request} label="Request body" />
      </Section>
      {detail.streamedText !== null && (
        <Section title="Streamed answer (reassembled)">
          <pre className="json streamed" aria-label="Streamed text">{detail.streamedText}</pre>
        </Section>
      )}
      <Section title="Response">
        <JsonView value={detail.response} label="Response body" />
      </Section>
      <Section title="Request headers">
        <HeadersTable headers={detail.requestHeaders} label="Request headers" />
      </Section>
      <Section title="Response headers">
        <HeadersTable headers={detail.responseHeaders} label="Response headers" />
      </Section>
    </>
  );
}

function CostMathView({ trace }: { trace: Trace }) {
  const model = trace.modelUsed ?? trace.modelRequested;
  const [lookup, setLookup] = useState<PriceLookup | null>(null);
  useEffect(() => {
    if (!model) return;
    let isCurrent = true;
    lookupPrice(model).then(
      (result) => isCurrent && setLookup(result),
      () => isCurrent && setLookup(null),
    );
    return () => {
      isCurrent = false;
    };
  }, [model]);

  if (trace.cache === 'hit') {
    return (
      <p className="small">
        Answered from the cache: <span className="mono">$0</span>. The original answer cost{' '}
        <span className="mono saved">{formatUsd(trace.savedUsd)}</span>, saved again by this hit.
      </p>
    );
  }
  if (trace.promptTokens === null) return <p className="dim small">No usage was recorded for this request, so it cost nothing.</p>;
  if (!model || (lookup && !lookup.price)) {
    return <p className="small unpriced">{model ?? 'This model'} has no price in the pricing table: shown as unpriced, never as $0.</p>;
  }
  const math = lookup?.model === model ? buildCostMath(trace, lookup.price) : null;
  if (!math) return <p className="dim small">Looking up the price…</p>;
  return (
    <table className="kv cost-math">
      <tbody>
        {math.lines.map((l) => (
          <tr key={l.label}>
            <th>{l.label}</th>
            <td className="num mono">{l.tokens.toLocaleString('en-US')}</td>
            <td className="mono dim">× ${l.perMillion}/1M</td>
            <td className="num mono">{formatUsd(l.usd)}</td>
          </tr>
        ))}
        <tr className="total">
          <th>total</th>
          <td />
          <td className="dim small">{lookup?.family && `${lookup.family} price`}</td>
          <td className="num mono">{formatUsd(trace.costUsd)}</td>
        </tr>
      </tbody>
    </table>
  );
}

function Attempts({ attempts }: { attempts: Array<Record<string, unknown>> }) {
  return (
    <table className="kv attempts">
      <tbody>
        {attempts.map((a, i) => (
          <tr key={i}>
            <th>#{i + 1}</th>
            <td className="mono">{[a.provider, a.model].filter(Boolean).join(' / ') || '—'}</td>
            <td className="mono">{a.status === undefined ? '' : String(a.status)}</td>
            <td className="num mono">{typeof a.latencyMs === 'number' ? formatMs(a.latencyMs) : typeof a.ms === 'number' ? formatMs(a.ms) : ''}</td>
            <td className="dim small">{a.error ? String(a.error) : ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section className="detail-section">
      <h3>{title}</h3>
      {children}
    </section>
  );
}

function Row({ label, children, testId }: { label: string; children: React.ReactNode; testId?: string }) {
  return (
    <tr>
      <th>{label}</th>
      <td data-testid={testId}>{children}</td>
    </tr>
  );
}
