import { useState, type FormEvent } from 'react';
import { describeError } from '../../../lib/describe-error';
import { useHotkeys } from '../../../lib/hotkeys';
import { useAppStore } from '../../../store';
import { invalidateSimilar } from '../cache-actions';

/** Invalidate by meaning: count the project's semantic entries close to a text, then remove them. */
export function SimilarDialog({ project, onClose }: { project: string; onClose(): void }) {
  const showToast = useAppStore((s) => s.showToast);
  const [text, setText] = useState('');
  const [min, setMin] = useState('0.8');
  const [count, setCount] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useHotkeys({ Escape: onClose });

  const minSimilarity = Number(min);
  const isValid = text.trim() !== '' && Number.isFinite(minSimilarity) && minSimilarity > 0 && minSimilarity <= 1;
  const run = (dryRun: boolean): void => {
    setBusy(true);
    setError(null);
    invalidateSimilar(project, text.trim(), minSimilarity, dryRun)
      .then((n) => {
        if (dryRun) return setCount(n);
        showToast(`Invalidated ${n} semantic ${n === 1 ? 'entry' : 'entries'} in ${project}.`);
        onClose();
      }, (e: unknown) => setError(describeError(e)))
      .finally(() => setBusy(false));
  };
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (isValid) run(true);
  };
  return (
    <div className="overlay" onClick={onClose}>
      <form className="dialog" role="dialog" aria-label="Invalidate similar entries" onClick={(e) => e.stopPropagation()} onSubmit={submit}>
        <h2>Invalidate entries similar to…</h2>
        <div className="dialog-body field-grid">
          <label htmlFor="sim-text">Prompt</label>
          <input id="sim-text" className="input" autoFocus value={text} onChange={(e) => { setText(e.target.value); setCount(null); }} placeholder="e.g. what is our refund policy" />
          <label htmlFor="sim-min">Min similarity</label>
          <input id="sim-min" className="input mono short" value={min} onChange={(e) => { setMin(e.target.value); setCount(null); }} />
        </div>
        {count !== null && (
          <p data-testid="similar-count">
            <strong>{count}</strong> semantic {count === 1 ? 'entry' : 'entries'} in {project} {count === 1 ? 'matches' : 'match'}.
          </p>
        )}
        {error && <p className="error-box">{error}</p>}
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose}>Cancel</button>
          {count === null ? (
            <button type="submit" className="button primary" disabled={!isValid || busy}>Count</button>
          ) : (
            <button type="button" className="button danger-solid" disabled={busy || count === 0} onClick={() => run(false)}>
              Invalidate {count}
            </button>
          )}
        </div>
      </form>
    </div>
  );
}
