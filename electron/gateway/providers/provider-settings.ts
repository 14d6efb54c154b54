import type { ProviderSettings, ProviderUpdate } from '../../../shared/api/dto';
import { DEFAULT_OPENAI_BASE_URL } from '../config';
import { badRequest, GatewayError } from '../errors';
import type { SettingsRepo } from '../store/repos/settings-repo';
import { createFileSecretStore, type SecretStore } from './secret-store';

export interface ProviderConfig {
  id: string;
  kind: 'openai' | 'openai-compatible';
  baseUrl: string;
  /** origin + path prefix, split once so each request only concatenates */
  origin: string;
  basePath: string;
  apiKey: string | null;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]', '0.0.0.0', '::']);

/** An upstream on our own loopback ports would send every request around in a circle. */
export function checkNotLoop(baseUrl: string, ownPorts: number[]): void {
  const url = parseBaseUrl(baseUrl);
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  if ((LOOPBACK.has(url.hostname) || url.hostname.startsWith('127.')) && ownPorts.includes(port)) {
    throw new GatewayError(400, 'invalid_request_error', 'upstream_loop',
      `The upstream ${baseUrl} is Tollgate itself (port ${port}): requests would loop. ` +
      'Point TOLLGATE_OPENAI_BASE_URL at the real provider (e.g. https://api.openai.com/v1); ' +
      'OPENAI_BASE_URL is for your own code, not for Tollgate.');
  }
}

function parseBaseUrl(baseUrl: string): URL {
  let url: URL;
  try { url = new URL(baseUrl); } catch { throw badRequest(`"${baseUrl}" is not a URL. Use a full base URL such as https://api.openai.com/v1.`, 'baseUrl'); }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badRequest('The base URL must be http or https.', 'baseUrl');
  return url;
}

function toConfig(id: string, kind: ProviderConfig['kind'], baseUrl: string, apiKey: string | null): ProviderConfig {
  const url = parseBaseUrl(baseUrl);
  return { id, kind, baseUrl, origin: url.origin, basePath: url.pathname.replace(/\/+$/, ''), apiKey };
}

/**
 * Provider base URLs live in settings; keys never touch SQLite or traces: env, or a 0600 file in the data dir
 * (the desktop shell may hand them over from safeStorage instead).
 */
export function createProviderSettings(opts: {
  dataDir: string; settings: SettingsRepo; env: NodeJS.ProcessEnv; openai?: { baseUrl?: string; apiKey?: string };
  secretStore?: SecretStore;
}) {
  const secrets = opts.secretStore ?? createFileSecretStore(opts.dataDir);

  // Deliberately not OPENAI_BASE_URL: that one points the user's code at Tollgate.
  const openaiBase = opts.settings.get('provider.openai.baseUrl') ?? opts.openai?.baseUrl
    ?? opts.env.TOLLGATE_OPENAI_BASE_URL ?? DEFAULT_OPENAI_BASE_URL;
  const openaiKey = secrets.get('openai') ?? opts.openai?.apiKey ?? opts.env.OPENAI_API_KEY ?? null;
  let openai = toConfig('openai', 'openai', openaiBase, openaiKey);

  return {
    get(id: string): ProviderConfig | undefined {
      return id === 'openai' ? openai : undefined;
    },
    list(): ProviderSettings[] {
      return [{ id: openai.id, kind: openai.kind, baseUrl: openai.baseUrl, hasApiKey: openai.apiKey !== null }];
    },
    update(id: string, patch: ProviderUpdate, ownPorts: number[]): ProviderSettings {
      if (id !== 'openai') throw new GatewayError(404, 'not_found_error', 'not_found', `No provider "${id}". Known: openai.`);
      const baseUrl = patch.baseUrl ?? openai.baseUrl;
      checkNotLoop(baseUrl, ownPorts);
      let apiKey = openai.apiKey;
      if (patch.apiKey !== undefined) {
        apiKey = patch.apiKey;
        secrets.set('openai', patch.apiKey);
      }
      openai = toConfig('openai', patch.kind ?? openai.kind, baseUrl, apiKey);
      if (patch.baseUrl !== undefined) opts.settings.set('provider.openai.baseUrl', baseUrl);
      return { id, kind: openai.kind, baseUrl: openai.baseUrl, hasApiKey: apiKey !== null };
    },
  };
}

export type ProviderRegistry = ReturnType<typeof createProviderSettings>;
