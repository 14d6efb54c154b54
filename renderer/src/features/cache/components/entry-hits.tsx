import { useState } from 'react';
import type { CacheEntryDetail, CacheEntryHit, SemanticEntryInfo } from '../../../../../shared/api/dto';
import { describeError } from '../../../lib/describe-error';
import { formatTime } from '../../../lib/format';
import { useAppStore } from '../../../store';
import { reportWrongEntryHit } from '../cache-actions';

/** How a semantic entry is matched: what was embedded, by which model, and how strict wrong reports made it. */
export function SemanticEntryView({ info }: { info: SemanticEntryInfo }) {
  return (
    <table className="kv" aria-label="Semantic matching">
      <tbody>
        <tr><th>Embedded prompt</th><td>{info.text}</td></tr>
        <tr>
          <th>Embedder</th>
          <td className="mono small">{info.embedder ?? <span className="dim">waiting to be re-embedded (embedder switched)</span>}</td>
        </tr>
        <tr>
          <th>Needs</th>
          <td data-testid="entry-min-similarity">
            {info.minSimilarity === null
              ? <span className="dim">the verifier alone decides</span>
              : <><span className="mono">similarity ≥ {info.minSimilarity.toFixed(3)}</span> <span className="dim small">after {info.wrongReports} wrong {info.wrongReports === 1 ? 'report' : 'reports'}</span></>}
          </td>
        </tr>
      </tbody>
    </table>
  );
}

/** The requests this entry answered, newest first; a semantic one that answered the wrong question can be reported. */
export function EntryHits({ entry, hits }: { entry: CacheEntryDetail; hits: CacheEntryHit[] }) {
  if (hits.length === 0) return <p className="dim small">No request has been answered from this entry yet.</p>;
  return (
    <table className="kv entry-hits" aria-label="Answered requests">
      <tbody>
        {hits.map((h) => <HitRow key={h.traceId} entry={entry} hit={h} />)}
      </tbody>
    </table>
  );
}

function HitRow({ entry, hit }: { entry: CacheEntryDetail; hit: CacheEntryHit }) {
  const showToast = useAppStore((s) => s.showToast);
  const [isReported, setReported] = useState(false);
  const isSemantic = hit.layer === 'semantic';
  const report = (): void => {
    setReported(true);
    reportWrongEntryHit(entry.id, hit.similarity).then(
      () => showToast('Reported: this entry now needs a closer match to answer.'),
      (e: unknown) => {
        setReported(false);
        showToast(describeError(e), 'error');
      },
    );
  };
  return (
    <tr data-trace-id={hit.traceId}>
      <th className="mono">{formatTime(hit.ts)}</th>
      <td>
        {isSemantic
          ? <span className="badge cache-hit layer-semantic">≈ {hit.similarity?.toFixed(3) ?? '?'}</span>
          : <span className="badge cache-hit">exact</span>}
      </td>
      <td className="hit-query">
        {isSemantic ? (hit.query ?? <span className="dim">prompt not kept (the project keeps no bodies)</span>) : <span className="dim">same prompt</span>}
        {isSemantic && hit.probability !== null && hit.threshold !== null && (
          <div className="dim small mono">
            {/* a hit below the threshold can only be one the project's LLM judge said YES to */}
            verifier {hit.probability.toFixed(2)} {hit.probability >= hit.threshold ? `≥ ${hit.threshold.toFixed(2)}` : `< ${hit.threshold.toFixed(2)}, LLM judge said YES`}
          </div>
        )}
        {(hit.user || hit.feature) && <div className="dim small">{[hit.user && `user ${hit.user}`, hit.feature && `feature ${hit.feature}`].filter(Boolean).join(' · ')}</div>}
      </td>
      <td className="num">
        {isSemantic && (
          <button type="button" className="button small-button danger" onClick={report} disabled={isReported}
            title="This cached answer did not fit the question: the entry will need a closer match">
            {isReported ? 'Reported' : 'Wrong'}
          </button>
        )}
      </td>
    </tr>
  );
}
