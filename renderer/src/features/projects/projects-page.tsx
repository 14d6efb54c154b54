import { useEffect, useState, type FormEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Project } from '../../../../shared/api/dto';
import { formatUsd } from '../../../../shared/cost';
import { describeError } from '../../lib/describe-error';
import { formatPercent } from '../../lib/format';
import { focusSearch, useHotkeys } from '../../lib/hotkeys';
import { useAppStore } from '../../store';
import { ProjectEditor } from './components/project-editor';
import { CapMeter } from './components/cap-meter';
import { createProject, loadProjects } from './project-actions';
import { hitRate, projectsSelectors } from './projects-slice';

export function ProjectsPage() {
  const { projects, load, error, stats, selected } = useAppStore(
    useShallow((s) => ({
      projects: projectsSelectors.all(s),
      load: projectsSelectors.load(s),
      error: projectsSelectors.error(s),
      stats: projectsSelectors.stats(s),
      selected: projectsSelectors.selected(s),
    })),
  );
  const selectProject = useAppStore((s) => s.selectProject);
  const [isCreating, setCreating] = useState(false);

  useEffect(() => {
    void loadProjects();
  }, []);

  const move = (step: number): void => {
    if (projects.length === 0) return;
    const index = selected ? projects.findIndex((p) => p.slug === selected.slug) : -1;
    const next = index < 0 ? 0 : Math.min(Math.max(index + step, 0), projects.length - 1);
    selectProject(projects[next]?.slug ?? null);
  };
  useHotkeys({
    j: () => move(1),
    ArrowDown: () => move(1),
    k: () => move(-1),
    ArrowUp: () => move(-1),
    Escape: () => (isCreating ? setCreating(false) : selectProject(null)),
    n: () => setCreating(true),
    '/': focusSearch,
  });

  return (
    <section className="page">
      <div className="toolbar">
        <h1>Projects</h1>
        <span className="dim mono">{projects.length}</span>
        <span className="spacer" />
        <button type="button" className="button" onClick={() => setCreating(true)} title="n">
          + New project
        </button>
      </div>
      {isCreating && <NewProjectForm onDone={() => setCreating(false)} />}
      <div className="split">
        <div className="split-main table-scroll">
          {load === 'error' && <p className="error-box">Could not load projects: {error}</p>}
          <table className="grid-table projects-table" aria-label="Projects">
            <thead>
              <tr>
                <th>Project</th>
                <th className="num">Today</th>
                <th className="num">This month</th>
                <th>Daily cap</th>
                <th>Monthly cap</th>
                <th>Mode</th>
                <th className="num">Saved (month)</th>
                <th className="num">Hit rate</th>
                <th>Cache</th>
              </tr>
            </thead>
            <tbody>
              {projects.map((p) => (
                <ProjectRow
                  key={p.slug}
                  project={p}
                  savedUsd={stats.month[p.slug]?.savedUsd ?? 0}
                  rate={hitRate(stats.month[p.slug])}
                  isSelected={selected?.slug === p.slug}
                  onSelect={() => selectProject(p.slug)}
                />
              ))}
            </tbody>
          </table>
          {load === 'loaded' && projects.length === 0 && (
            <div className="empty">
              <h2>No projects yet</h2>
              <p className="dim">Requests to <code>/p/&lt;slug&gt;/v1</code> create their project on first use, or add one here.</p>
            </div>
          )}
        </div>
        {selected && <ProjectEditor key={selected.slug} project={selected} onClose={() => selectProject(null)} />}
      </div>
    </section>
  );
}

function ProjectRow({ project: p, savedUsd, rate, isSelected, onSelect }: {
  project: Project; savedUsd: number; rate: number | null; isSelected: boolean; onSelect(): void;
}) {
  return (
    <tr className={isSelected ? 'selected' : ''} onClick={onSelect} aria-selected={isSelected} data-project={p.slug}>
      <td>
        <span className="strong">{p.slug}</span>
        {p.name && p.name !== p.slug && <span className="dim"> {p.name}</span>}
      </td>
      <td className="num mono">{formatUsd(p.spend.todayUsd)}</td>
      <td className="num mono">{formatUsd(p.spend.monthUsd)}</td>
      <td><CapMeter spentUsd={p.spend.todayUsd} capUsd={p.budget.dailyUsd} /></td>
      <td><CapMeter spentUsd={p.spend.monthUsd} capUsd={p.budget.monthlyUsd} /></td>
      <td><span className={`badge mode-${p.budget.mode}`}>{p.budget.mode}</span></td>
      <td className="num mono saved">{savedUsd > 0 ? formatUsd(savedUsd) : '—'}</td>
      <td className="num mono">{formatPercent(rate)}</td>
      <td className="dim">{p.cachePolicy}</td>
    </tr>
  );
}

const SLUG = /^[a-z0-9][a-z0-9._-]{0,63}$/;

function NewProjectForm({ onDone }: { onDone(): void }) {
  const [slug, setSlug] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    const clean = slug.trim();
    if (!SLUG.test(clean)) {
      setError('Use 1–64 characters of a–z, 0–9, ".", "_" or "-", starting with a letter or digit.');
      return;
    }
    createProject({ slug: clean }).then(onDone, (e: unknown) => setError(describeError(e)));
  };
  return (
    <form className="inline-form" onSubmit={submit}>
      <label>
        New project slug{' '}
        <input className="input mono" autoFocus value={slug} onChange={(e) => setSlug(e.target.value)} placeholder="my-app" aria-label="New project slug" />
      </label>
      <button type="submit" className="button primary">Create</button>
      <button type="button" className="button" onClick={onDone}>Cancel</button>
      {error && <span className="error small">{error}</span>}
    </form>
  );
}
