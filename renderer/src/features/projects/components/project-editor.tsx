import { useState, type FormEvent } from 'react';
import type { BudgetMode, CachePolicy, Project, SemanticStatus, SemanticStrictness } from '../../../../../shared/api/dto';
import { formatUsd } from '../../../../../shared/cost';
import { CopySnippet } from '../../../components/copy-snippet';
import { describeError } from '../../../lib/describe-error';
import { formatPercent, toProjectBaseUrl } from '../../../lib/format';
import { useSemanticStatus } from '../../../lib/use-semantic-status';
import { useAppStore } from '../../../store';
import { connectionSelectors } from '../../../store/connection-slice';
import { saveProject } from '../project-actions';
import { toProjectForm, toProjectPatch, type ProjectForm } from '../project-form';
import { BudgetUsage } from './budget-usage';
import { CapMeter } from './cap-meter';
import { ProjectAliasesSection } from './project-aliases';
import { RoutingSection } from './routing-section';

const MODES: Array<[BudgetMode, string]> = [
  ['block', 'block: refuse with 429 budget_exceeded'],
  ['downgrade', 'downgrade: route to a cheaper model'],
  ['alert', 'alert: notify, let requests through'],
];
const STRICTNESS: Array<[SemanticStrictness, string]> = [
  ['strict', 'strict (near-identical)'],
  ['balanced', 'balanced'],
  ['loose', 'loose (more hits, more risk)'],
];
/** the verifier's held-out numbers for a level, so the choice is made knowing them */
function describeLevel(status: SemanticStatus | null, level: SemanticStrictness): string {
  const pooled = status?.verifier.heldOut?.[level]?.pooled;
  return pooled ? ` · ${formatPercent(pooled.precision, 1)} precise, ${formatPercent(pooled.hitRate, 1)} hit rate` : '';
}
const POLICIES: Array<[CachePolicy, string]> = [
  ['deterministic', 'deterministic (temperature 0 or seed)'],
  ['always', 'always'],
  ['off', 'off'],
];

export function ProjectEditor({ project, onClose }: { project: Project; onClose(): void }) {
  const health = useAppStore(connectionSelectors.health);
  const showToast = useAppStore((s) => s.showToast);
  const [form, setForm] = useState(() => toProjectForm(project));
  const semantic = useSemanticStatus();
  const [error, setError] = useState<string | null>(null);
  const [isSaving, setSaving] = useState(false);
  const set = <K extends keyof ProjectForm>(key: K, value: ProjectForm[K]): void => setForm((f) => ({ ...f, [key]: value }));
  const isDirty = JSON.stringify(form) !== JSON.stringify(toProjectForm(project));

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    const parsed = toProjectPatch(form);
    if ('error' in parsed) return setError(parsed.error);
    setError(null);
    setSaving(true);
    saveProject(project.slug, parsed.patch)
      .then((saved) => {
        setForm(toProjectForm(saved));
        showToast(`${project.slug} saved: the next request uses it.`);
      }, (e: unknown) => setError(describeError(e)))
      .finally(() => setSaving(false));
  };

  const clearNamespace = (): void => {
    if (!window.confirm(`Start a clean cache namespace for ${project.slug}? Existing entries stop matching.`)) return;
    saveProject(project.slug, { cacheVersion: project.cacheVersion + 1 }).then(
      () => showToast(`${project.slug}: cache namespace v${project.cacheVersion + 1}`),
      (e: unknown) => setError(describeError(e)),
    );
  };

  const baseUrl = toProjectBaseUrl(health?.proxyUrl ?? 'http://127.0.0.1:8686', project.slug);
  return (
    <aside className="detail" aria-label={`Project ${project.slug}`}>
      <header className="detail-head">
        <span className="strong">{project.slug}</span>
        <span className="spacer" />
        <button type="button" className="icon-button" onClick={onClose} aria-label="Close" title="Close (Esc)">✕</button>
      </header>
      <form className="detail-body form" onSubmit={submit}>
        <section className="detail-section">
          <h3>Use it</h3>
          <CopySnippet text={`export OPENAI_BASE_URL=${baseUrl}`} label="Snippet" />
        </section>
        <section className="detail-section">
          <h3>Budget</h3>
          <div className="field-grid">
            <label htmlFor="f-daily">Daily cap, USD</label>
            <div className="field-with-meter">
              <input id="f-daily" className="input mono" inputMode="decimal" placeholder="no cap" value={form.dailyUsd} onChange={(e) => set('dailyUsd', e.target.value)} />
              <CapMeter spentUsd={project.spend.todayUsd} capUsd={project.budget.dailyUsd} />
              <span className="dim small">spent today {formatUsd(project.spend.todayUsd)}</span>
            </div>
            <label htmlFor="f-monthly">Monthly cap, USD</label>
            <div className="field-with-meter">
              <input id="f-monthly" className="input mono" inputMode="decimal" placeholder="no cap" value={form.monthlyUsd} onChange={(e) => set('monthlyUsd', e.target.value)} />
              <CapMeter spentUsd={project.spend.monthUsd} capUsd={project.budget.monthlyUsd} />
              <span className="dim small">this month {formatUsd(project.spend.monthUsd)}</span>
            </div>
            <label htmlFor="f-mode">When reached</label>
            <select id="f-mode" className="input" value={form.mode} onChange={(e) => set('mode', e.target.value as BudgetMode)}>
              {MODES.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
            </select>
            {form.mode === 'downgrade' && (
              <>
                <label htmlFor="f-downgrade">Cheaper model</label>
                <input id="f-downgrade" className="input mono" placeholder="e.g. gpt-4o-mini" value={form.downgradeModel} onChange={(e) => set('downgradeModel', e.target.value)} />
              </>
            )}
          </div>
          <BudgetUsage slug={project.slug} />
        </section>
        <section className="detail-section">
          <h3>Rate limits</h3>
          <div className="field-grid">
            <label htmlFor="f-rpm">Requests / min</label>
            <input id="f-rpm" className="input mono" inputMode="numeric" placeholder="no limit" value={form.rpm} onChange={(e) => set('rpm', e.target.value)} />
            <label htmlFor="f-tpm">Tokens / min</label>
            <input id="f-tpm" className="input mono" inputMode="numeric" placeholder="no limit" value={form.tpm} onChange={(e) => set('tpm', e.target.value)} />
            <label htmlFor="f-conc">Concurrent</label>
            <input id="f-conc" className="input mono" inputMode="numeric" placeholder="no limit" value={form.concurrency} onChange={(e) => set('concurrency', e.target.value)} />
          </div>
        </section>
        <RoutingSection key={project.slug} slug={project.slug} />
        <ProjectAliasesSection key={`aliases-${project.slug}`} slug={project.slug} />
        <section className="detail-section">
          <h3>Cache</h3>
          <div className="field-grid">
            <label htmlFor="f-policy">Policy</label>
            <select id="f-policy" className="input" value={form.cachePolicy} onChange={(e) => set('cachePolicy', e.target.value as CachePolicy)}>
              {POLICIES.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
            </select>
            <label htmlFor="f-ttl">Entry TTL, seconds</label>
            <input id="f-ttl" className="input mono" inputMode="numeric" placeholder="0 = never expires" value={form.cacheTtlSec} onChange={(e) => set('cacheTtlSec', e.target.value)} />
            <label htmlFor="f-semantic">Semantic cache</label>
            <span>
              <input id="f-semantic" type="checkbox" checked={form.semanticEnabled} onChange={(e) => set('semanticEnabled', e.target.checked)} />{' '}
              <span className="dim small">answer prompts that mean the same as a cached one</span>
            </span>
            {form.semanticEnabled && (
              <>
                <label htmlFor="f-strict">Strictness</label>
                <select id="f-strict" className="input" value={form.strictness} onChange={(e) => set('strictness', e.target.value as SemanticStrictness)}>
                  {STRICTNESS.map(([level, text]) => <option key={level} value={level}>{text}{describeLevel(semantic.status, level)}</option>)}
                </select>
                <label htmlFor="f-embedder">Embedder</label>
                <input id="f-embedder" className="input mono" placeholder="auto" value={form.embedder} onChange={(e) => set('embedder', e.target.value)} />
                <label htmlFor="f-download">Model download</label>
                <span>
                  <input id="f-download" type="checkbox" checked={form.allowModelDownload} onChange={(e) => set('allowModelDownload', e.target.checked)} />{' '}
                  <span className="dim small">allow a one-time download of the embedding model</span>
                </span>
                <label htmlFor="f-judge">LLM judge</label>
                <span>
                  <input id="f-judge" className="input mono" placeholder="off" value={form.judgeModel} onChange={(e) => set('judgeModel', e.target.value)} />{' '}
                  <span className="dim small">a cheap model (or alias) decides prompts the verifier finds borderline; its calls are billed to this project</span>
                </span>
                {form.judgeModel.trim() !== '' && (
                  <>
                    <label htmlFor="f-judge-band">Judge band</label>
                    <input id="f-judge-band" className="input mono" inputMode="decimal" placeholder="0.15" value={form.judgeBand} onChange={(e) => set('judgeBand', e.target.value)} />
                  </>
                )}
              </>
            )}
            <span className="dim">Namespace</span>
            <span>
              <span className="mono">v{project.cacheVersion}</span>{' '}
              <button type="button" className="button small-button" onClick={clearNamespace}>Start clean</button>
            </span>
          </div>
        </section>
        <section className="detail-section">
          <div className="field-grid">
            <label htmlFor="f-name">Display name</label>
            <input id="f-name" className="input" value={form.name} onChange={(e) => set('name', e.target.value)} />
            <label htmlFor="f-bodies">Keep bodies</label>
            <span>
              <input id="f-bodies" type="checkbox" checked={form.keepBodies} onChange={(e) => set('keepBodies', e.target.checked)} />{' '}
              <span className="dim small">store prompts, answers and headers with traces (off: only the trace row: model, tokens, cost, timing)</span>
            </span>
          </div>
        </section>
        {error && <p className="error-box" role="alert">{error}</p>}
        <div className="form-actions">
          <button type="submit" className="button primary" disabled={isSaving || !isDirty}>
            {isSaving ? 'Saving…' : 'Save'}
          </button>
          <button type="button" className="button" disabled={!isDirty} onClick={() => setForm(toProjectForm(project))}>
            Revert
          </button>
          <span className="dim small">Changes apply to the very next request.</span>
        </div>
      </form>
    </aside>
  );
}
