import { useEffect, useState, type FormEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ProviderSettings } from '../../../../shared/api/dto';
import { describeError } from '../../lib/describe-error';
import { getDesktop, isDesktop } from '../../lib/desktop';
import { useAppStore } from '../../store';
import { connectionSelectors } from '../../store/connection-slice';
import { AliasesSection } from './aliases-section';
import { SemanticSection } from './semantic-section';
import { loadSettings, saveProvider, saveRetentionDays } from './settings-actions';
import { settingsSelectors } from './settings-slice';

export function SettingsPage() {
  const { settings, providers, load, error, health } = useAppStore(
    useShallow((s) => ({
      settings: settingsSelectors.settings(s),
      providers: settingsSelectors.providers(s),
      load: settingsSelectors.load(s),
      error: settingsSelectors.error(s),
      health: connectionSelectors.health(s),
    })),
  );
  useEffect(() => {
    void loadSettings();
  }, []);

  return (
    <section className="page">
      <div className="toolbar">
        <h1>Settings</h1>
      </div>
      <div className="page-scroll settings">
        {load === 'error' && <p className="error-box">Could not load settings: {error}</p>}
        <section className="card">
          <h3>Providers</h3>
          <p className="dim small">
            Keys are write-only: the dashboard can set or remove one, never read it back.
            {isDesktop() ? (getDesktop()?.keyStorage === 'file'
              ? ' No OS keyring was found, so the desktop app keeps them in a 0600 file in its data folder.'
              : ' The desktop app keeps them in the OS keychain (safeStorage).') : ''}
          </p>
          {providers.map((p) => (
            <ProviderForm key={p.id} provider={p} />
          ))}
          <AddProviderForm />
        </section>
        <AliasesSection />
        <SemanticSection />
        {settings && (
          <section className="card">
            <h3>Data retention</h3>
            <RetentionForm days={settings.retentionDays} />
          </section>
        )}
        <section className="card">
          <h3>Ports</h3>
          <table className="kv">
            <tbody>
              <tr><th>Proxy (OpenAI API)</th><td className="mono">{health?.proxyUrl ?? '—'}</td></tr>
              <tr><th>Admin API and dashboard</th><td className="mono">{health?.adminUrl ?? '—'}</td></tr>
            </tbody>
          </table>
          <p className="dim small">
            Both listen on 127.0.0.1 only. To change them, restart with{' '}
            <code>npm run serve -- --port 8686 --admin-port 8687</code>.
          </p>
        </section>
      </div>
    </section>
  );
}

function ProviderForm({ provider }: { provider: ProviderSettings }) {
  const showToast = useAppStore((s) => s.showToast);
  const [baseUrl, setBaseUrl] = useState(provider.baseUrl);
  const [apiKey, setApiKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const run = (patch: Parameters<typeof saveProvider>[1], message: string): void => {
    setError(null);
    saveProvider(provider.id, patch).then(
      () => {
        setApiKey('');
        showToast(message);
      },
      (e: unknown) => setError(describeError(e)),
    );
  };
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    const patch: Parameters<typeof saveProvider>[1] = {};
    if (baseUrl.trim() !== provider.baseUrl) patch.baseUrl = baseUrl.trim();
    if (apiKey.trim()) patch.apiKey = apiKey.trim();
    if (Object.keys(patch).length === 0) return;
    run(patch, `${provider.id} saved.`);
  };
  return (
    <form className="provider" onSubmit={submit} aria-label={`Provider ${provider.id}`}>
      <div className="provider-head">
        <span className="strong">{provider.id}</span>
        <span className="badge">{provider.kind}</span>
        <span className={`badge ${provider.hasApiKey ? 'cache-hit' : 'warn-badge'}`}>
          {provider.hasApiKey ? (provider.keyCount > 1 ? `${provider.keyCount} keys` : 'key set') : 'no key'}
        </span>
        {provider.source && <span className="dim small">from {provider.source}</span>}
      </div>
      {(provider.models?.length || provider.headerNames?.length) ? (
        <p className="dim small">
          {provider.models?.length ? `models: ${provider.models.join(', ')}` : ''}
          {provider.models?.length && provider.headerNames?.length ? ' · ' : ''}
          {provider.headerNames?.length ? `extra headers: ${provider.headerNames.join(', ')} (values hidden)` : ''}
        </p>
      ) : null}
      <div className="field-grid">
        <label htmlFor={`p-${provider.id}-url`}>Base URL</label>
        <input id={`p-${provider.id}-url`} className="input mono" value={baseUrl} onChange={(e) => setBaseUrl(e.target.value)} spellCheck={false} />
        <label htmlFor={`p-${provider.id}-key`}>API key</label>
        <input
          id={`p-${provider.id}-key`}
          className="input mono"
          type="password"
          autoComplete="off"
          placeholder={provider.hasApiKey ? '•••••••• (set; type to replace)' : 'sk-…'}
          value={apiKey}
          onChange={(e) => setApiKey(e.target.value)}
        />
      </div>
      {error && <p className="error-box" role="alert">{error}</p>}
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={baseUrl.trim() === provider.baseUrl && !apiKey.trim()}>Save</button>
        {provider.hasApiKey && (
          <button type="button" className="button danger" onClick={() => run({ apiKey: null }, `${provider.id} key removed.`)}>Remove key</button>
        )}
      </div>
    </form>
  );
}

function RetentionForm({ days }: { days: number }) {
  const showToast = useAppStore((s) => s.showToast);
  const [value, setValue] = useState(String(days));
  const [error, setError] = useState<string | null>(null);
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > 3650) return setError('Keep traces for 1 to 3650 whole days.');
    setError(null);
    saveRetentionDays(n).then(() => showToast(`Traces are kept ${n} days.`), (e: unknown) => setError(describeError(e)));
  };
  return (
    <form onSubmit={submit}>
      <div className="field-grid">
        <label htmlFor="retention">Keep traces for</label>
        <span>
          <input id="retention" className="input mono short" inputMode="numeric" value={value} onChange={(e) => setValue(e.target.value)} /> days
        </span>
      </div>
      <p className="dim small">Older traces and their bodies are deleted; spend totals are kept.</p>
      {error && <p className="error-box" role="alert">{error}</p>}
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={value === String(days)}>Save</button>
      </div>
    </form>
  );
}

const KINDS = ['openai', 'anthropic', 'azure', 'openai-compatible', 'openrouter', 'groq', 'together', 'mistral', 'deepseek', 'gemini', 'ollama', 'lmstudio', 'vllm', 'llamacpp'];

function AddProviderForm() {
  const showToast = useAppStore((s) => s.showToast);
  const [isOpen, setOpen] = useState(false);
  const [id, setId] = useState('');
  const [kind, setKind] = useState('openai-compatible');
  const [baseUrl, setBaseUrl] = useState('');
  const [apiKey, setApiKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  if (!isOpen) {
    return (
      <div className="form-actions">
        <button type="button" className="button" onClick={() => setOpen(true)}>+ Add provider</button>
      </div>
    );
  }
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    const patch: Parameters<typeof saveProvider>[1] = { kind };
    if (baseUrl.trim()) patch.baseUrl = baseUrl.trim();
    if (apiKey.trim()) patch.apiKey = apiKey.trim();
    setError(null);
    saveProvider(id.trim(), patch).then(
      () => {
        showToast(`${id.trim()} added: address its models as ${id.trim()}/<model>.`);
        setOpen(false);
        setId('');
        setBaseUrl('');
        setApiKey('');
      },
      (e: unknown) => setError(describeError(e)),
    );
  };
  return (
    <form className="provider" onSubmit={submit} aria-label="Add provider">
      <div className="field-grid">
        <label htmlFor="np-id">Id</label>
        <input id="np-id" className="input mono" placeholder="e.g. groq or my-vllm" value={id} onChange={(e) => setId(e.target.value)} autoFocus />
        <label htmlFor="np-kind">Kind</label>
        <select id="np-kind" className="input" value={kind} onChange={(e) => setKind(e.target.value)}>
          {KINDS.map((k) => <option key={k} value={k}>{k}</option>)}
        </select>
        <label htmlFor="np-url">Base URL</label>
        <input id="np-url" className="input mono" placeholder="default for the kind" value={baseUrl} onChange={(e) => setBaseUrl(e.target.value)} />
        <label htmlFor="np-key">API key</label>
        <input id="np-key" className="input mono" type="password" autoComplete="off" value={apiKey} onChange={(e) => setApiKey(e.target.value)} />
      </div>
      {error && <p className="error-box" role="alert">{error}</p>}
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={!id.trim()}>Add</button>
        <button type="button" className="button" onClick={() => setOpen(false)}>Cancel</button>
      </div>
    </form>
  );
}
