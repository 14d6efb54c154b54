import { useState, type FormEvent } from 'react';
import { saveAdminToken } from '../../lib/admin-token';
import { isDesktop } from '../../lib/desktop';
import { useAppStore } from '../../store';
import { connectionSelectors } from '../../store/connection-slice';
import { startLiveSync } from '../../store/live-sync';

/** Shown instead of any page while the gateway refuses the token: no data loads without one. */
export function TokenPrompt() {
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
        <code>#token=…</code>), or paste the token below. It is kept in <code>admin-token</code> inside the
        gateway&apos;s data directory.
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
