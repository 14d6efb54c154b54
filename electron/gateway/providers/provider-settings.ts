import type { ProviderSettings, ProviderUpdate } from '../../../shared/api/dto';
import { DEFAULT_OPENAI_BASE_URL } from '../config';
import { badRequest, GatewayError } from '../errors';
import type { SettingsRepo } from '../store/repos/settings-repo';
import type { ProviderAdapter } from './adapter';
import { getProviderDefinition, listProviderDefinitions, listProviderKinds, type ProviderDefinition } from './registry';
import { createFileSecretStore, type SecretStore } from './secret-store';

export interface ProviderConfig {
  id: string;
  kind: string;
  baseUrl: string;
  /** origin + path prefix, split once so each request only concatenates */
  origin: string;
  basePath: string;
  /** the first key (null: none); requests are balanced across `apiKeys` */
  apiKey: string | null;
  apiKeys: string[];
  headers: Record<string, string> | null;
  models: string[] | null;
  apiVersion: string | null;
  adapter: ProviderAdapter;
  source: ProviderSettings['source'];
}

/** The provider bare model names go to when nothing else claims them. */
export const DEFAULT_PROVIDER = 'openai';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]', '0.0.0.0', '::']);
const PROVIDER_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;

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

interface StoredProvider { kind: string; baseUrl: string; models?: string[] | null; apiVersion?: string | null }

function toConfig(id: string, def: ProviderDefinition, stored: StoredProvider, keys: string[], headers: Record<string, string> | null,
  source: ProviderConfig['source']): ProviderConfig {
  const url = parseBaseUrl(stored.baseUrl);
  return {
    id, kind: def.kind, baseUrl: stored.baseUrl, origin: url.origin, basePath: url.pathname.replace(/\/+$/, ''),
    apiKey: keys[0] ?? null, apiKeys: keys, headers, models: stored.models ?? null,
    apiVersion: stored.apiVersion ?? def.defaultApiVersion ?? null, adapter: def.createAdapter(), source,
  };
}

function toSettings(p: ProviderConfig): ProviderSettings {
  return {
    id: p.id, kind: p.kind, baseUrl: p.baseUrl, hasApiKey: p.apiKey !== null, keyCount: p.apiKeys.length,
    headerNames: Object.keys(p.headers ?? {}), models: p.models, apiVersion: p.apiVersion, source: p.source,
  };
}

function envKey(def: ProviderDefinition, env: NodeJS.ProcessEnv): string | null {
  for (const name of def.envKeys) if (env[name]) return env[name]!;
  return null;
}

function checkUpdate(patch: ProviderUpdate) {
  if (!patch || typeof patch !== 'object') throw badRequest('The body must be a JSON object.');
  if (patch.kind !== undefined && typeof patch.kind !== 'string') throw badRequest('kind must be a string.', 'kind');
  if (patch.baseUrl !== undefined && typeof patch.baseUrl !== 'string') throw badRequest('baseUrl must be a string.', 'baseUrl');
  if (patch.apiKey !== undefined && patch.apiKey !== null && (typeof patch.apiKey !== 'string' || patch.apiKey === '')) {
    throw badRequest('apiKey must be a non-empty string, or null to remove it.', 'apiKey');
  }
  if (patch.apiKeys !== undefined && patch.apiKeys !== null &&
    (!Array.isArray(patch.apiKeys) || patch.apiKeys.some((k) => typeof k !== 'string' || k === ''))) {
    throw badRequest('apiKeys must be an array of non-empty strings, or null.', 'apiKeys');
  }
  if (patch.headers !== undefined && patch.headers !== null &&
    (typeof patch.headers !== 'object' || Array.isArray(patch.headers) || Object.values(patch.headers).some((v) => typeof v !== 'string'))) {
    throw badRequest('headers must be an object of string values, or null.', 'headers');
  }
  if (patch.models !== undefined && patch.models !== null &&
    (!Array.isArray(patch.models) || patch.models.some((m) => typeof m !== 'string' || m === ''))) {
    throw badRequest('models must be an array of model names, or null.', 'models');
  }
  if (patch.apiVersion !== undefined && patch.apiVersion !== null && typeof patch.apiVersion !== 'string') {
    throw badRequest('apiVersion must be a string or null.', 'apiVersion');
  }
}

/**
 * Provider settings live in SQLite (kind, base URL, models); keys and extra headers never do: env, or a 0600
 * file in the data dir (the desktop shell hands over a safeStorage-backed store instead).
 * Sources, later wins: a kind's defaults, env (TOLLGATE_<PROVIDER>_BASE_URL and the usual key variables),
 * the createGateway options, the admin API.
 */
export function createProviderSettings(opts: {
  dataDir: string; settings: SettingsRepo; env: NodeJS.ProcessEnv; openai?: { baseUrl?: string; apiKey?: string };
  secretStore?: SecretStore;
}) {
  const secrets = opts.secretStore ?? createFileSecretStore(opts.dataDir);
  const configured = new Map<string, ProviderConfig>();
  /** kinds addressed as `kind/model` without being set up: their defaults, made once */
  const implicit = new Map<string, ProviderConfig>();
  const env = opts.env;

  const storedKeys = (id: string, fallback: string | null): string[] => {
    const many = secrets.get(`${id}:keys`);
    if (many) return JSON.parse(many) as string[];
    const one = secrets.get(id) ?? fallback;
    return one ? [one] : [];
  };
  const storedHeaders = (id: string) => {
    const raw = secrets.get(`${id}:headers`);
    return raw ? JSON.parse(raw) as Record<string, string> : null;
  };

  // environment: a kind is set up when its base URL or key variable is present (openai always is)
  for (const def of listProviderDefinitions()) {
    const base = env[def.envBaseUrl];
    const key = envKey(def, env);
    const isOpenAI = def.kind === DEFAULT_PROVIDER;
    if (!isOpenAI && !base && !(key && def.defaultBaseUrl)) continue;
    let baseUrl = base ?? def.defaultBaseUrl!;
    let fromOptions = false;
    if (isOpenAI) {
      // Deliberately not OPENAI_BASE_URL: that one points the user's code at Tollgate.
      baseUrl = opts.openai?.baseUrl ?? base ?? DEFAULT_OPENAI_BASE_URL;
      fromOptions = opts.openai?.baseUrl !== undefined;
    }
    const keyFallback = isOpenAI ? opts.openai?.apiKey ?? key : key;
    configured.set(def.kind, toConfig(def.kind, def, { kind: def.kind, baseUrl }, storedKeys(def.kind, keyFallback),
      storedHeaders(def.kind), base || fromOptions ? 'env' : 'default'));
  }
  // the admin API's settings win
  const legacyOpenAI = opts.settings.get('provider.openai.baseUrl'); // before providers were JSON records
  if (legacyOpenAI) {
    const o = configured.get('openai')!;
    configured.set('openai', toConfig('openai', getProviderDefinition('openai')!, { kind: 'openai', baseUrl: legacyOpenAI }, o.apiKeys, o.headers, 'admin'));
  }
  for (const id of listStoredIds(opts.settings)) {
    const stored = JSON.parse(opts.settings.get(`provider.${id}`)!) as StoredProvider;
    const def = getProviderDefinition(stored.kind);
    if (!def) continue; // a kind this build no longer has
    const fallback = configured.get(id)?.apiKey ?? envKey(def, env);
    configured.set(id, toConfig(id, def, stored, storedKeys(id, fallback), storedHeaders(id), 'admin'));
  }

  function get(id: string): ProviderConfig | undefined {
    const p = configured.get(id);
    if (p) return p;
    let i = implicit.get(id);
    if (i) return i;
    const def = getProviderDefinition(id);
    if (!def?.defaultBaseUrl) return undefined;
    i = toConfig(id, def, { kind: id, baseUrl: env[def.envBaseUrl] ?? def.defaultBaseUrl }, storedKeys(id, envKey(def, env)), storedHeaders(id), 'default');
    implicit.set(id, i);
    return i;
  }

  let configuredList: ProviderConfig[] | null = null;
  let version = 0;

  return {
    get,
    /** the providers set up by defaults, env or admin (not the ones merely addressable by kind); read per request */
    configured(): ProviderConfig[] { return configuredList ??= [...configured.values()]; },
    /** bumps on every change, so resolutions cached by it go stale */
    get version() { return version; },
    list(): ProviderSettings[] { return [...configured.values()].map(toSettings); },
    /** forgets a provider added through the admin API, with its keys and headers */
    remove(id: string): { removed: 1 } {
      const p = configured.get(id);
      if (!p) throw new GatewayError(404, 'not_found_error', 'not_found', `No provider "${id}" is set up.`);
      if (id === DEFAULT_PROVIDER) throw badRequest('OpenAI is the default provider and cannot be removed; PUT another baseUrl or apiKey instead.', 'id');
      if (p.source === 'env') throw badRequest(`${id} is set up by environment variables; unset them to remove it.`, 'id');
      opts.settings.delete(`provider.${id}`);
      for (const k of [id, `${id}:keys`, `${id}:headers`]) secrets.set(k, null);
      configured.delete(id);
      configuredList = null;
      version++;
      return { removed: 1 };
    },
    update(id: string, patch: ProviderUpdate, ownPorts: number[]): ProviderSettings {
      checkUpdate(patch);
      const current = configured.get(id) ?? implicit.get(id);
      const kind = patch.kind ?? current?.kind ?? (getProviderDefinition(id) ? id : undefined);
      if (!kind) {
        throw new GatewayError(404, 'not_found_error', 'not_found',
          `No provider "${id}". To add one, PUT {"kind": "<kind>", "baseUrl": "..."}; kinds: ${listProviderKinds().join(', ')}.`);
      }
      if (!PROVIDER_ID.test(id)) throw badRequest('A provider id is 1-64 characters of a-z, 0-9, ".", "_" or "-" (no "/": it separates provider and model).', 'id');
      const def = getProviderDefinition(kind);
      if (!def) throw badRequest(`Unknown provider kind "${kind}". Known kinds: ${listProviderKinds().join(', ')}.`, 'kind');
      const baseUrl = patch.baseUrl ?? current?.baseUrl ?? def.defaultBaseUrl;
      if (!baseUrl) throw badRequest(`A ${def.label} provider needs a baseUrl.`, 'baseUrl');
      parseBaseUrl(baseUrl);
      checkNotLoop(baseUrl, ownPorts);

      let keys = current?.apiKeys ?? storedKeys(id, envKey(def, env));
      if (patch.apiKeys !== undefined) {
        keys = patch.apiKeys ?? [];
        secrets.set(`${id}:keys`, keys.length > 1 ? JSON.stringify(keys) : null);
        secrets.set(id, keys[0] ?? null);
      } else if (patch.apiKey !== undefined) {
        keys = patch.apiKey === null ? [] : [patch.apiKey];
        secrets.set(`${id}:keys`, null);
        secrets.set(id, patch.apiKey);
      }
      let headers = current?.headers ?? null;
      if (patch.headers !== undefined) {
        headers = patch.headers && Object.keys(patch.headers).length > 0 ? lowerCaseKeys(patch.headers) : null;
        secrets.set(`${id}:headers`, headers ? JSON.stringify(headers) : null);
      }
      const stored: StoredProvider = {
        kind, baseUrl,
        models: patch.models !== undefined ? patch.models : current?.models ?? null,
        apiVersion: patch.apiVersion !== undefined ? patch.apiVersion : current?.apiVersion ?? null,
      };
      const config = toConfig(id, def, stored, keys, headers, 'admin');
      configured.set(id, config);
      implicit.delete(id);
      configuredList = null;
      version++;
      opts.settings.set(`provider.${id}`, JSON.stringify(stored));
      return toSettings(config);
    },
  };
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = v;
  return out;
}

function listStoredIds(settings: SettingsRepo): string[] {
  return settings.keys('provider.').map((k) => k.slice('provider.'.length)).filter((id) => !id.includes('.baseUrl'));
}

export type ProviderRegistry = ReturnType<typeof createProviderSettings>;
