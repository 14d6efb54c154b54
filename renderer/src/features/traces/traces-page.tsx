import { useState, type FormEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { saveAdminToken } from '../../lib/admin-client';
import { isDesktop } from '../../lib/desktop';
import { useAppStore } from '../../store';
import { connectionSelectors } from '../../store/connection-slice';
import { loadOlderTraces, startLiveSync } from '../../store/live-sync';
import { TracesTable } from './components/traces-table';
import { tracesSelectors } from './traces-selectors';

export function TracesPage() {
  const status = useAppStore(connectionSelectors.status);
  const traces = useAppStore(tracesSelectors.all);
  if (status === 'unauthorized') return <TokenPrompt />;

  return (
    <section className="page">
      <TracesToolbar />
      {traces.length === 0 ? <EmptyTraces /> : <TracesTable traces={traces} footer={<LoadOlderButton />} />}
    </section>
  );
}

function TracesToolbar() {
  const { count, isPaused, queued } = useAppStore(
    useShallow((s) => ({
      count: tracesSelectors.count(s),
      isPaused: tracesSelectors.isPaused(s),
      queued: tracesSelectors.queuedCount(s),
    })),
  );
  const setPaused = useAppStore((s) => s.setTracesPaused);
  return (
    <div className="toolbar">
      <h1>Traces</h1>
      <span className="dim mono">{count.toLocaleString()} rows</span>
      <span className="spacer" />
      {isPaused && queued > 0 && <span className="badge">{queued.toLocaleString()} new</span>}
      <button type="button" className="button" onClick={() => setPaused(!isPaused)} aria-pressed={isPaused}>
        {isPaused ? 'Resume' : 'Pause'}
      </button>
    </div>
  );
}

function LoadOlderButton() {
  const hasOlder = useAppStore(tracesSelectors.hasOlder);
  const [isLoading, setIsLoading] = useState(false);
  if (!hasOlder) return null;
  const loadOlder = (): void => {
    setIsLoading(true);
    void loadOlderTraces().finally(() => setIsLoading(false));
  };
  return (
    <div className="table-footer">
      <button type="button" className="button" onClick={loadOlder} disabled={isLoading}>
        {isLoading ? 'Loading…' : 'Load older'}
      </button>
    </div>
  );
}

function EmptyTraces() {
  const { status, error, health, load, loadError } = useAppStore(
    useShallow((s) => ({
      status: connectionSelectors.status(s),
      error: connectionSelectors.error(s),
      health: connectionSelectors.health(s),
      load: tracesSelectors.loadState(s),
      loadError: tracesSelectors.error(s),
    })),
  );

  if (status === 'offline') {
    return (
      <div className="empty">
        <h2>Cannot reach the gateway</h2>
        <p className="dim">{error ?? 'The connection dropped.'} Retrying…</p>
      </div>
    );
  }
  if (load === 'error') {
    return (
      <div className="empty">
        <h2>Could not load traces</h2>
        <p className="dim">{loadError}</p>
      </div>
    );
  }
  if (status === 'connecting' || load !== 'loaded') {
    return <div className="empty dim">Connecting to the gateway…</div>;
  }
  const baseUrl = toOpenAIBaseUrl(health?.proxyUrl ?? 'http://127.0.0.1:8686');
  return (
    <div className="empty">
      <h2>No requests yet</h2>
      <p className="dim">Point any OpenAI SDK at the gateway and each call shows up here as it happens:</p>
      <pre className="code">OPENAI_BASE_URL={baseUrl}</pre>
    </div>
  );
}

function TokenPrompt() {
  const error = useAppStore(connectionSelectors.error);
  const [token, setToken] = useState('');

  const connect = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    if (!token.trim()) return;
    saveAdminToken(token);
    setToken('');
    startLiveSync();
  };

  if (isDesktop()) {
    return (
      <div className="empty">
        <h2>The gateway refused this window</h2>
        <p className="dim">{error}</p>
        <p className="dim">Restart Tollgate; if it keeps happening, another gateway may be using the admin port.</p>
      </div>
    );
  }

  return (
    <form className="empty token-prompt" onSubmit={connect}>
      <h2>This dashboard needs the gateway&apos;s admin token</h2>
      {error && <p className="error">{error}</p>}
      <p className="dim">
        Open the dashboard URL that <code>npm run serve</code> printed when it started (it ends in{' '}
        <code>#token=…</code>), or paste the token below. It is kept in{' '}
        <code>admin-token</code> inside the gateway&apos;s data directory.
      </p>
      <div className="token-row">
        <input
          className="input mono"
          type="password"
          autoComplete="off"
          spellCheck={false}
          placeholder="admin token"
          value={token}
          onChange={(e) => setToken(e.target.value)}
          aria-label="Admin token"
        />
        <button type="submit" className="button primary" disabled={!token.trim()}>
          Connect
        </button>
      </div>
    </form>
  );
}

function toOpenAIBaseUrl(proxyUrl: string): string {
  const trimmed = proxyUrl.replace(/\/+$/, '');
  return trimmed.endsWith('/v1') ? trimmed : `${trimmed}/v1`;
}
