import { useShallow } from 'zustand/react/shallow';
import { TracesPage } from './features/traces/traces-page';
import { useAppStore } from './store';
import { connectionSelectors, type ConnectionStatus } from './store/connection-slice';

const STATUS_LABELS: Record<ConnectionStatus, string> = {
  connecting: 'connecting',
  live: 'live',
  unauthorized: 'no access',
  offline: 'offline',
};

export function App() {
  return (
    <div className="app">
      <TopBar />
      <main className="main">
        <TracesPage />
      </main>
    </div>
  );
}

function TopBar() {
  const { status, health } = useAppStore(
    useShallow((s) => ({ status: connectionSelectors.status(s), health: connectionSelectors.health(s) })),
  );
  return (
    <header className="topbar">
      <span className="brand">Tollgate</span>
      {health && (
        <span className="dim mono" title="Point OpenAI SDKs here">
          {health.proxyUrl}
        </span>
      )}
      <span className="spacer" />
      {health && <span className="dim mono">v{health.version}</span>}
      <span className={`pill pill-${status}`} role="status">
        <span className="dot" />
        {STATUS_LABELS[status]}
      </span>
    </header>
  );
}
