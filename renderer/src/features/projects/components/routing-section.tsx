import { useEffect, useState, type KeyboardEvent } from 'react';
import { describeError } from '../../../lib/describe-error';
import { useAppStore } from '../../../store';
import { projectsSelectors } from '../projects-slice';
import { loadRoutingRule, saveRoutingRule } from '../routing-actions';
import { toRoutingForm, toRoutingRule, type RoutingForm } from '../routing-form';

/**
 * The project's complexity rule: prompts scoring below the threshold go to the cheap model.
 * Saved on its own (PUT …/routing), so it sits inside the editor's form without submitting it.
 */
export function RoutingSection({ slug }: { slug: string }) {
  const rule = useAppStore(projectsSelectors.routingRule(slug));
  const showToast = useAppStore((s) => s.showToast);
  const [form, setForm] = useState<RoutingForm>(() => toRoutingForm(rule));
  const [error, setError] = useState<string | null>(null);
  const [isSaving, setSaving] = useState(false);
  const set = <K extends keyof RoutingForm>(key: K, value: RoutingForm[K]): void => setForm((f) => ({ ...f, [key]: value }));

  useEffect(() => {
    loadRoutingRule(slug).then((loaded) => {
      setForm(toRoutingForm(loaded));
      setError(null);
    }, (e: unknown) => setError(`Could not load the routing rule: ${describeError(e)}`));
  }, [slug]);

  const isDirty = rule !== undefined && JSON.stringify(form) !== JSON.stringify(toRoutingForm(rule));
  const save = (): void => {
    const parsed = toRoutingRule(form);
    if ('error' in parsed) return setError(parsed.error);
    setError(null);
    setSaving(true);
    saveRoutingRule(slug, parsed.rule)
      .then((saved) => {
        setForm(toRoutingForm(saved));
        showToast(saved.complexity ? `${slug}: complexity routing on.` : `${slug}: complexity routing off.`);
      }, (e: unknown) => setError(describeError(e)))
      .finally(() => setSaving(false));
  };
  // Enter in these fields saves the rule, not the surrounding project form
  const onKeyDown = (event: KeyboardEvent): void => {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    if (isDirty && !isSaving) save();
  };

  return (
    <section className="detail-section" aria-label="Routing">
      <h3>Routing</h3>
      <div className="field-grid" onKeyDown={onKeyDown}>
        <label htmlFor="r-enabled">By complexity</label>
        <span>
          <input id="r-enabled" type="checkbox" checked={form.enabled} onChange={(e) => set('enabled', e.target.checked)} />{' '}
          <span className="dim small">send simple prompts to a cheaper model</span>
        </span>
        {form.enabled && (
          <>
            <label htmlFor="r-cheap">Cheap model</label>
            <input id="r-cheap" className="input mono" placeholder="e.g. openai/gpt-4o-mini" value={form.cheapModel} onChange={(e) => set('cheapModel', e.target.value)} spellCheck={false} />
            <label htmlFor="r-strong">Strong model</label>
            <input id="r-strong" className="input mono" placeholder="e.g. openai/gpt-4o" value={form.strongModel} onChange={(e) => set('strongModel', e.target.value)} spellCheck={false} />
            <label htmlFor="r-threshold">Threshold</label>
            <span>
              <input id="r-threshold" className="input mono short" inputMode="decimal" placeholder="0.5" value={form.threshold} onChange={(e) => set('threshold', e.target.value)} />{' '}
              <span className="dim small">0..1: a prompt scoring below it goes to the cheap model</span>
            </span>
            <label htmlFor="r-applies">Applies to</label>
            <input id="r-applies" className="input mono" placeholder="every chat request" value={form.appliesTo} onChange={(e) => set('appliesTo', e.target.value)} spellCheck={false} />
          </>
        )}
      </div>
      {form.enabled && <p className="dim small">Applies to: requested model names or aliases, comma-separated; empty means every chat request of the project.</p>}
      {error && <p className="error-box" role="alert">{error}</p>}
      <div className="form-actions inline-actions">
        <button type="button" className="button" disabled={!isDirty || isSaving} onClick={save}>{isSaving ? 'Applying…' : 'Apply rule'}</button>
        {isDirty && <button type="button" className="button" onClick={() => setForm(toRoutingForm(rule))}>Discard rule edits</button>}
      </div>
    </section>
  );
}
