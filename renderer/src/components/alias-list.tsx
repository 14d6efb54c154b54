import { useState, type KeyboardEvent, type ReactNode } from 'react';
import type { Alias, AliasPut } from '../../../shared/api/dto';
import { formatTargetsText, parseTargetsText } from '../lib/alias-targets';
import { describeError } from '../lib/describe-error';
import { useAppStore } from '../store';
import { ConfirmDialog } from './confirm-dialog';

const STRATEGIES: Array<[Alias['strategy'], string]> = [
  ['ordered', 'ordered: first healthy target, the rest are fallbacks'],
  ['weighted', 'weighted: split traffic by weight'],
  ['least-busy', 'least-busy: fewest requests in flight'],
];

type SaveAlias = (name: string, body: AliasPut, previousName: string | null) => Promise<unknown>;

/** A list of model aliases with add, edit and delete: the global ones in Settings, a project's own in its editor. */
export function AliasList({ aliases, loadError, save, remove, intro, afterDelete, heading = 'Aliases' }: {
  aliases: Alias[]; loadError: string | null; save: SaveAlias; remove(name: string): Promise<unknown>;
  intro: ReactNode; afterDelete(name: string): ReactNode; heading?: string;
}) {
  const showToast = useAppStore((s) => s.showToast);
  const [editing, setEditing] = useState<Alias | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Alias | null>(null);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const [isBusy, setBusy] = useState(false);

  const confirmDelete = (): void => {
    if (!deleting) return;
    setBusy(true);
    remove(deleting.name)
      .then(() => {
        showToast(`Alias ${deleting.name} deleted.`);
        setDeleting(null);
        setDeleteError(null);
      }, (e: unknown) => setDeleteError(describeError(e)))
      .finally(() => setBusy(false));
  };

  return (
    <section className={heading === 'Aliases' ? 'card' : 'detail-section'} aria-label={heading}>
      <h3>{heading}</h3>
      <p className="dim small">{intro}</p>
      {loadError && <p className="error-box" role="alert">Could not load aliases: {loadError}</p>}
      {aliases.length > 0 && (
        <table className="grid-table alias-table">
          <thead>
            <tr><th>Name</th><th>Strategy</th><th>Targets, in order</th><th /></tr>
          </thead>
          <tbody>
            {aliases.map((a) => (
              <tr key={a.name}>
                <td className="mono strong">{a.name}</td>
                <td><span className="badge">{a.strategy}</span></td>
                <td className="mono">
                  {a.targets.map((t, i) => (
                    <div key={`${t.model}-${i}`}>
                      <span className="dim">{i + 1}.</span> {t.model}
                      {(a.strategy === 'weighted' || t.weight !== 1) && <span className="dim"> ×{t.weight}</span>}
                    </div>
                  ))}
                </td>
                <td className="alias-actions">
                  <button type="button" className="button small-button" onClick={() => setEditing(a)} aria-label={`Edit alias ${a.name}`}>Edit</button>{' '}
                  <button type="button" className="button small-button danger" onClick={() => { setDeleteError(null); setDeleting(a); }} aria-label={`Delete alias ${a.name}`}>Delete</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {aliases.length === 0 && !loadError && <p className="dim small">No aliases yet.</p>}
      {editing ? (
        <AliasForm key={editing === 'new' ? '' : editing.name} alias={editing === 'new' ? null : editing} save={save} onDone={() => setEditing(null)} />
      ) : (
        <div className="form-actions">
          <button type="button" className="button" onClick={() => setEditing('new')}>+ Add alias</button>
        </div>
      )}
      {deleting && (
        <ConfirmDialog title={`Delete alias ${deleting.name}?`} confirmLabel="Delete" isBusy={isBusy} onConfirm={confirmDelete} onCancel={() => setDeleting(null)}>
          <p>{afterDelete(deleting.name)}</p>
          {deleteError && <p className="error-box" role="alert">{deleteError}</p>}
        </ConfirmDialog>
      )}
    </section>
  );
}

/** Not a <form>: it also sits inside the project editor's form, so Enter and the buttons save only the alias. */
function AliasForm({ alias, save, onDone }: { alias: Alias | null; save: SaveAlias; onDone(): void }) {
  const showToast = useAppStore((s) => s.showToast);
  const [name, setName] = useState(alias?.name ?? '');
  const [strategy, setStrategy] = useState<Alias['strategy']>(alias?.strategy ?? 'ordered');
  const [targetsText, setTargetsText] = useState(alias ? formatTargetsText(alias.targets) : '');
  const [error, setError] = useState<string | null>(null);
  const [isSaving, setSaving] = useState(false);

  const submit = (): void => {
    const trimmed = name.trim();
    if (!trimmed) return setError('Give the alias a name, e.g. fast.');
    const parsed = parseTargetsText(targetsText);
    if ('error' in parsed) return setError(parsed.error);
    setError(null);
    setSaving(true);
    save(trimmed, { targets: parsed.targets, strategy }, alias?.name ?? null)
      .then(() => {
        showToast(`Alias ${trimmed} saved: send model "${trimmed}" to use it.`);
        onDone();
      }, (e: unknown) => setError(describeError(e)))
      .finally(() => setSaving(false));
  };

  // Enter saves (in the targets box it starts a new line); it never submits a surrounding form
  const onKeyDown = (event: KeyboardEvent): void => {
    if (event.key !== 'Enter' || (event.target as HTMLElement).tagName === 'TEXTAREA') return;
    event.preventDefault();
    if (!isSaving) submit();
  };

  return (
    <div className="provider" role="form" onKeyDown={onKeyDown} aria-label={alias ? `Edit alias ${alias.name}` : 'Add alias'}>
      <div className="field-grid">
        <label htmlFor="al-name">Name</label>
        <input id="al-name" className="input mono" placeholder="e.g. fast" value={name} onChange={(e) => setName(e.target.value)} spellCheck={false} autoFocus />
        <label htmlFor="al-strategy">Strategy</label>
        <select id="al-strategy" className="input" value={strategy} onChange={(e) => setStrategy(e.target.value as Alias['strategy'])}>
          {STRATEGIES.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
        </select>
        <label htmlFor="al-targets">Targets</label>
        <textarea
          id="al-targets"
          className="input mono targets-input"
          rows={4}
          spellCheck={false}
          placeholder={'openai/gpt-4o-mini\nanthropic/claude-haiku-4-5 2'}
          value={targetsText}
          onChange={(e) => setTargetsText(e.target.value)}
        />
      </div>
      <p className="dim small">One <code>provider/model</code> a line, tried in order; an optional number after it is its weight (default 1).</p>
      {error && <p className="error-box" role="alert">{error}</p>}
      <div className="form-actions">
        <button type="button" className="button primary" disabled={isSaving} onClick={submit}>{isSaving ? 'Saving…' : alias ? 'Save' : 'Add'}</button>
        <button type="button" className="button" onClick={onDone}>Cancel</button>
      </div>
    </div>
  );
}
