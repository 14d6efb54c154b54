import type { SemanticScore, SemanticStatus, SemanticStrictness } from '../../../../shared/api/dto';
import { formatCount, formatPercent } from '../../lib/format';
import { useSemanticStatus } from '../../lib/use-semantic-status';

const REFRESH_MS = 5_000;
const LEVELS: SemanticStrictness[] = ['strict', 'balanced', 'loose'];

/** The semantic cache as the gateway runs it: its embedder, its vector index, and what the verifier was measured at. */
export function SemanticSection() {
  const { status, error } = useSemanticStatus(REFRESH_MS);
  const index = status?.index;
  return (
    <section className="card" aria-label="Semantic cache">
      <h3>Semantic cache</h3>
      {error && <p className="error-box">Could not load the semantic cache's status: {error}</p>}
      {status && (
        <>
          <table className="kv">
            <tbody>
              <tr>
                <th>Embedder</th>
                <td className="mono">
                  {status.workerStarted
                    ? status.embedders.join(', ') || 'loading…'
                    : <span className="dim">not started: it starts when a project with semantic caching on needs it</span>}
                </td>
              </tr>
              <tr><th>Stored prompts</th><td className="mono">{formatCount(status.indexedEntries)}</td></tr>
              {index && (
                <tr>
                  <th>Vector index</th>
                  <td>
                    <span className="mono">{formatCount(index.rows)}</span> rows in {formatCount(index.buckets)} context
                    {index.buckets === 1 ? ' bucket' : ' buckets'} · <span className="mono">{formatPercent(index.rows ? index.indexed / index.rows : null)}</span>{' '}
                    in HNSW graphs, the rest scanned (small buckets are always scanned; big ones while their graph is built)
                    {index.graphsCompacted ? ` · ${formatCount(index.graphsCompacted)} rebuilt without their deleted rows` : ''}
                  </td>
                </tr>
              )}
              {index && (
                <tr>
                  <th>Saved graphs</th>
                  <td>
                    since start: {formatCount(index.graphsSaved)} saved, {formatCount(index.graphsLoaded)} loaded
                    ({formatCount(index.rowsLoaded)} rows, not rebuilt){index.graphsDiscarded ? `, ${formatCount(index.graphsDiscarded)} dropped and rebuilt` : ''}
                  </td>
                </tr>
              )}
              <tr>
                <th>Verifier</th>
                <td>trained for <span className="mono">{status.verifier.embedder}</span> on {status.verifier.trainedAt}</td>
              </tr>
            </tbody>
          </table>
          {status.verifier.heldOut && <HeldOut status={status} />}
        </>
      )}
    </section>
  );
}

function HeldOut({ status }: { status: SemanticStatus }) {
  const pct = (score: SemanticScore | undefined, key: 'precision' | 'hitRate' | 'falseHitRate') =>
    formatPercent(score ? score[key] : null, 1);
  return (
    <>
      <table className="grid-table held-out" aria-label="Verifier, held-out numbers">
        <thead>
          <tr>
            <th>Strictness</th>
            <th className="num">Threshold</th>
            <th className="num" title="QQP + STS-B + MRPC pooled: share of hits that were right">Precision</th>
            <th className="num" title="QQP + STS-B + MRPC pooled: share of same-meaning pairs that hit">Hit rate</th>
            <th className="num" title="PAWS: pairs with the same words and another meaning that hit">PAWS false hits</th>
            <th className="num" title="GPTCache's paraphrased prompts that hit">GPTCache hit rate</th>
          </tr>
        </thead>
        <tbody>
          {LEVELS.map((level) => {
            const scores = status.verifier.heldOut?.[level];
            return (
              <tr key={level}>
                <td>{level}{level === 'balanced' ? <span className="dim"> (default)</span> : null}</td>
                <td className="num mono">{status.verifier.thresholds[level].toFixed(3)}</td>
                <td className="num mono">{pct(scores?.pooled, 'precision')}</td>
                <td className="num mono">{pct(scores?.pooled, 'hitRate')}</td>
                <td className="num mono">{pct(scores?.paws, 'falseHitRate')}</td>
                <td className="num mono">{pct(scores?.gptcache, 'hitRate')}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="dim small">
        Measured on the 30 % of the labeled dev pairs the verifier never trained on. A project picks its strictness in
        Projects; hits it reports wrong from the cache browser make that entry stricter.
      </p>
    </>
  );
}
