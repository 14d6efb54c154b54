import { formatUsd } from '../../../../../shared/cost';
import { JsonView } from '../../../components/json-view';
import { formatDateTime } from '../../../lib/format';
import { useAppStore } from '../../../store';
import { cacheSelectors } from '../cache-slice';
import { EntryHits, SemanticEntryView } from './entry-hits';

export function CacheInspector({ onClose, onInvalidate }: { onClose(): void; onInvalidate(id: string): void }) {
  const load = useAppStore(cacheSelectors.inspect);
  return (
    <aside className="detail" aria-label="Cache entry">
      <header className="detail-head">
        <span className="strong">Cache entry</span>
        <span className="spacer" />
        {load.state !== 'idle' && (
          <button type="button" className="button danger" onClick={() => onInvalidate(load.id)}>Invalidate</button>
        )}
        <button type="button" className="icon-button" onClick={onClose} aria-label="Close" title="Close (Esc)">✕</button>
      </header>
      <div className="detail-body">
        {load.state === 'loading' && <p className="dim small pad">Loading…</p>}
        {load.state === 'error' && <p className="error-box">{load.error}</p>}
        {load.state === 'loaded' && (
          <>
            <section className="detail-section">
              <table className="kv">
                <tbody>
                  <tr><th>Project</th><td>{load.entry.project}</td></tr>
                  <tr><th>Model</th><td className="mono">{load.entry.model}</td></tr>
                  <tr><th>Layer</th><td>{load.entry.layer}</td></tr>
                  <tr><th>Hits</th><td className="mono">{load.entry.hits}</td></tr>
                  <tr><th>Saved</th><td className="mono saved">{formatUsd(load.entry.savedUsd)}</td></tr>
                  <tr><th>Answer cost</th><td className="mono">{formatUsd(load.entry.costUsd)} <span className="dim small">saved again by every hit</span></td></tr>
                  <tr><th>Created</th><td>{formatDateTime(load.entry.createdAt)}</td></tr>
                  <tr><th>Expires</th><td>{load.entry.expiresAt === null ? 'never' : formatDateTime(load.entry.expiresAt)}</td></tr>
                  {load.entry.tags.length > 0 && <tr><th>Tags</th><td>{load.entry.tags.map((t) => <span key={t} className="chip">#{t}</span>)}</td></tr>}
                  <tr><th>Id</th><td className="mono dim small" data-testid="entry-id">{load.entry.id}</td></tr>
                </tbody>
              </table>
            </section>
            {load.entry.semantic && <section className="detail-section"><h3>Semantic</h3><SemanticEntryView info={load.entry.semantic} /></section>}
            <section className="detail-section">
              <h3>Answered <span className="dim">({load.hits.length}{load.hits.length >= 50 ? '+' : ''})</span></h3>
              <EntryHits entry={load.entry} hits={load.hits} />
            </section>
            <section className="detail-section"><h3>Request</h3><JsonView value={load.entry.request} label="Cached request" /></section>
            <section className="detail-section"><h3>Answer</h3><JsonView value={load.entry.response} label="Cached answer" /></section>
          </>
        )}
      </div>
    </aside>
  );
}
