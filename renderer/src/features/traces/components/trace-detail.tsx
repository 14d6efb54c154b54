import { useEffect, useState } from 'react';
import type { JudgeOutcome, RoutingDecision, SemanticMatch, Trace, TraceAttempt, TraceDetail } from '../../../../../shared/api/dto';
import type { PriceLookup } from '../../../../../shared/api/dashboard';
import { formatUsd } from '../../../../../shared/cost';
import { HeadersTable } from '../../../components/headers-table';
import { JsonView } from '../../../components/json-view';
import { formatCount, formatDateTime, formatMs } from '../../../lib/format';
import { useAppStore } from '../../../store';
import { buildCostMath } from '../cost-math';
import { lookupPrice, reportWrongHit } from '../trace-actions';
import { describeError } from '../../../lib/describe-error';
import { tracesSelectors } from '../traces-selectors';
import { CacheBadge } from './cache-badge';
import { JudgeRow } from './judge-row';
import { StageBar } from './stage-bar';
import { statusClass } from './traces-table';

export function TraceDetailPane({ trace, onClose }: { trace: Trace; onClose(): void }) {
  const load = useAppStore(tracesSelectors.detail);
  const detail = load.state === 'loaded' && load.id === trace.id ? load.detail : null;
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
              {trace.downgradedFrom && <Row label="Downgraded">from {trace.downgradedFrom} (budget)</Row>}
              <Row label="Provider">{trace.provider ?? '—'}</Row>
              <Row label="Cache">
                <CacheBadge trace={trace} /> {trace.cacheReason && <span className="dim small">{trace.cacheReason}</span>}
                {trace.cacheSimilarity !== null && <span className="dim small"> similarity {trace.cacheSimilarity.toFixed(3)}</span>}
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
                {trace.routingSavedUsd !== null && trace.routingSavedUsd > 0 && (
                  <span className="saved"> routing saved {formatUsd(trace.routingSavedUsd)}</span>
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
        {detail?.cacheMatch && (
          <Section title={trace.cache === 'hit' ? 'Semantic match' : 'Borderline candidate'}>
            <SemanticMatchView match={detail.cacheMatch} isHit={trace.cache === 'hit'} />
          </Section>
        )}
        <Section title="Cost math">
          <CostMathView trace={trace} judge={detail?.cacheMatch?.judge ?? null} />
        </Section>
        {trace.routing && (
          <Section title="Routing">
            <RoutingView routing={trace.routing} />
          </Section>
        )}
        {trace.attempts.length > 0 && (
          <Section title="Attempts">
            <Attempts attempts={trace.attempts} />
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
  if (!detail.bodiesKept) {
    return <p className="dim small pad">Bodies and headers were not kept: project {trace.project} keeps only the trace row (Projects → Keep bodies).</p>;
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

function CostMathView({ trace, judge }: { trace: Trace; judge: JudgeOutcome | null }) {
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
        Answered from the cache: <span className="mono">{formatUsd(trace.costUsd ?? 0)}</span>
        {judge?.costUsd ? ', the LLM judge\'s call' : ''}. The original answer cost{' '}
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
        {judge?.costUsd ? (
          <tr>
            <th>LLM judge</th>
            <td />
            <td className="mono dim small">{judge.model}</td>
            <td className="num mono">{formatUsd(judge.costUsd)}</td>
          </tr>
        ) : null}
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

const OUTCOME_CLASS: Record<TraceAttempt['outcome'], string> = { ok: 'status-ok', retry: 'status-client-error', fallback: 'status-client-error', failed: 'status-server-error' };

function Attempts({ attempts }: { attempts: TraceAttempt[] }) {
  return (
    <table className="kv attempts" aria-label="Upstream attempts">
      <tbody>
        {attempts.map((a, i) => (
          <tr key={i}>
            <th>#{i + 1}</th>
            <td className="mono">{a.target}</td>
            <td className="mono">{a.status ?? 'no answer'}</td>
            <td className="num mono">{formatMs(a.ms)}</td>
            <td className={OUTCOME_CLASS[a.outcome]}>
              {a.outcome}
              {a.waitMs !== null && a.waitMs > 0 && <span className="dim small"> after {formatMs(a.waitMs)}</span>}
              {a.error && <div className="dim small">{a.error}</div>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function RoutingView({ routing }: { routing: RoutingDecision }) {
  return (
    <table className="kv">
      <tbody>
        {routing.alias && (
          <tr><th>Alias</th><td className="mono">{routing.alias} <span className="dim small">({routing.aliasScope})</span></td></tr>
        )}
        <tr><th>Strategy</th><td>{routing.strategy}</td></tr>
        <tr><th>Targets</th><td className="mono">{routing.candidates.join(' → ') || '—'}</td></tr>
        {routing.cooledDown.length > 0 && (
          <tr><th>Skipped</th><td className="mono warn">{routing.cooledDown.join(', ')} <span className="dim small">(circuit open)</span></td></tr>
        )}
        {routing.complexity && (
          <tr>
            <th>Complexity</th>
            <td>
              <span className="mono">{routing.complexity.score.toFixed(2)}</span> vs {routing.complexity.threshold} →{' '}
              {routing.complexity.tier} (<span className="mono">{routing.complexity.model}</span>)
              {routing.complexity.signals.length > 0 && <div className="dim small">{routing.complexity.signals.join(', ')}</div>}
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
}

function SemanticMatchView({ match, isHit }: { match: SemanticMatch; isHit: boolean }) {
  const showToast = useAppStore((s) => s.showToast);
  const [isReported, setReported] = useState(false);
  const report = (): void => {
    reportWrongHit(match.entryId, match.similarity).then(
      () => {
        setReported(true);
        showToast('Reported: this entry now needs a closer match to answer.');
      },
      (e: unknown) => showToast(describeError(e), 'error'),
    );
  };
  return (
    <>
      <table className="kv">
        <tbody>
          <tr><th>Cached prompt</th><td>{match.prompt}</td></tr>
          <tr><th>Similarity</th><td className="mono">{match.similarity.toFixed(3)}</td></tr>
          <tr>
            <th>Verifier</th>
            <td className="mono">
              {match.probability.toFixed(2)} <span className="dim">{match.probability >= match.threshold ? '≥' : '<'} {match.threshold.toFixed(2)} needed</span>
            </td>
          </tr>
          <tr><th>Embedder</th><td className="mono dim small">{match.embedder}</td></tr>
          {match.judge && <JudgeRow judge={match.judge} />}
        </tbody>
      </table>
      {isHit && <div className="form-actions">
        <button type="button" className="button danger" onClick={report} disabled={isReported}>
          {isReported ? 'Reported' : 'Wrong answer for this prompt'}
        </button>
        <span className="dim small">tightens this entry so a prompt this far away no longer matches</span>
      </div>}
    </>
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
