import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { formatUsd } from '../../shared/cost';
import { CachePage } from './features/cache/cache-page';
import { OverviewPage } from './features/overview/overview-page';
import { ProjectsPage } from './features/projects/projects-page';
import { SettingsPage } from './features/settings/settings-page';
import { TokenPrompt } from './features/traces/token-prompt';
import { TracesPage } from './features/traces/traces-page';
import { HelpOverlay } from './components/help-overlay';
import { useHotkeys } from './lib/hotkeys';
import { useAppStore } from './store';
import { connectionSelectors, type ConnectionStatus } from './store/connection-slice';
import { navSelectors, PAGES, type PageId } from './store/nav-slice';

const STATUS_LABELS: Record<ConnectionStatus, string> = {
  connecting: 'connecting',
  live: 'live',
  unauthorized: 'no access',
  offline: 'offline',
};

const PAGE_VIEWS: Record<PageId, () => React.JSX.Element> = {
  traces: TracesPage,
  overview: OverviewPage,
  projects: ProjectsPage,
  cache: CachePage,
  settings: SettingsPage,
};

export function App() {
  const page = useAppStore(navSelectors.page);
  const status = useAppStore(connectionSelectors.status);
  const { setPage, setHelpOpen } = useAppStore(useShallow((s) => ({ setPage: s.setPage, setHelpOpen: s.setHelpOpen })));
  useHotkeys({
    ...Object.fromEntries(PAGES.map((p) => [`g ${p.key}`, () => setPage(p.id)])),
    '?': () => setHelpOpen(!useAppStore.getState().isHelpOpen),
  });
  const View = PAGE_VIEWS[page];
  return (
    <div className="app">
      <TopBar />
      <main className="main">{status === 'unauthorized' ? <TokenPrompt /> : <View />}</main>
      <HelpOverlay />
      <ToastView />
    </div>
  );
}

function TopBar() {
  const { status, health, page, projects, embedder } = useAppStore(
    useShallow((s) => ({
      embedder: navSelectors.embedderProgress(s),
      status: connectionSelectors.status(s),
      health: connectionSelectors.health(s),
      page: navSelectors.page(s),
      projects: s.projects,
    })),
  );
  const setPage = useAppStore((s) => s.setPage);
  const todayUsd = projects.reduce((sum, p) => sum + p.spend.todayUsd, 0);
  return (
    <header className="topbar">
      <span className="brand">Tollgate</span>
      <nav className="tabs" aria-label="Pages">
        {PAGES.map((p) => (
          <button
            key={p.id}
            type="button"
            className={`tab ${page === p.id ? 'active' : ''}`}
            aria-current={page === p.id ? 'page' : undefined}
            onClick={() => setPage(p.id)}
            title={`g ${p.key}`}
          >
            {p.label}
          </button>
        ))}
      </nav>
      <span className="spacer" />
      {embedder && <span className="dim small ellipsis embedder" title="The semantic cache's embedding model">{embedder}</span>}
      {projects.length > 0 && (
        <span className="dim mono" title="Spent today, all projects">
          today <span className="strong">{formatUsd(todayUsd)}</span>
        </span>
      )}
      {health && (
        <span className="dim mono" title="Point OpenAI SDKs here">
          {health.proxyUrl}
        </span>
      )}
      {health && <span className="dim mono">v{health.version}</span>}
      <button type="button" className="kbd-hint" onClick={() => useAppStore.getState().setHelpOpen(true)} title="Keyboard shortcuts">
        ?
      </button>
      <span className={`pill pill-${status}`} role="status">
        <span className="dot" />
        {STATUS_LABELS[status]}
      </span>
    </header>
  );
}

const TOAST_MS = 4_000;

function ToastView() {
  const toast = useAppStore(navSelectors.toast);
  const dismiss = useAppStore((s) => s.dismissToast);
  useEffect(() => {
    if (!toast) return;
    const timer = setTimeout(() => dismiss(toast.id), TOAST_MS);
    return () => clearTimeout(timer);
  }, [toast, dismiss]);
  if (!toast) return null;
  return (
    <div className={`toast toast-${toast.kind}`} role={toast.kind === 'error' ? 'alert' : 'status'} onClick={() => dismiss(toast.id)}>
      {toast.text}
    </div>
  );
}
