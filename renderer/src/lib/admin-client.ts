import type {
  Alias,
  AliasPut,
  CacheEntry,
  CacheEntryDetail,
  CacheEntryHit,
  CacheInvalidate,
  GatewaySettings,
  Health,
  Page,
  Project,
  ProjectCreate,
  ProjectPatch,
  ProjectUsage,
  ProviderSettings,
  ProviderUpdate,
  RoutingRule,
  SemanticStatus,
  SpendGroupBy,
  SpendRow,
  Trace,
  TraceDetail,
} from '../../../shared/api/dto';
import { DASHBOARD_ROUTES, type Overview, type PriceLookup } from '../../../shared/api/dashboard';
import type { AdminEvent } from '../../../shared/api/events';
import { ADMIN_ROUTES, type CacheEntryQuery, type TraceQuery } from '../../../shared/api/routes';
import { readAdminToken } from './admin-token';
import { getDesktop } from './desktop';
import { createSseParser } from './sse-parser';

/** A non-2xx answer from the admin API (body `{error:{message,type,code}}`), or status 0 when unreachable. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string | null;
  readonly type: string | null;

  constructor(message: string, status: number, code: string | null = null, type: string | null = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.type = type;
  }

  get isUnauthorized(): boolean {
    return this.status === 401 || this.status === 403;
  }
}

export type StreamStatus = 'connecting' | 'live' | 'unauthorized' | 'offline';

export interface SubscribeOptions {
  onStatus?(status: StreamStatus, error?: unknown): void;
}

export interface AdminClientOptions {
  baseUrl?: string;
  getToken?: () => string | null;
  fetch?: typeof fetch;
}

const INITIAL_RETRY_MS = 1_000;
const MAX_RETRY_MS = 30_000;
// the gateway sends a heartbeat comment about every 10 s; silence this long means a dead connection
const STALL_TIMEOUT_MS = 45_000;

export function createAdminClient(options: AdminClientOptions = {}) {
  const baseUrl = options.baseUrl ?? getDesktop()?.adminUrl ?? location.origin;
  const getToken = options.getToken ?? readAdminToken;
  const fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));

  const send = async (path: string, init: RequestInit = {}): Promise<Response> => {
    const token = getToken();
    if (!token) throw new ApiError('No admin token. Open the dashboard URL printed by the gateway.', 401, 'missing_token');
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${token}`);
    let response: Response;
    try {
      response = await fetchImpl(new URL(path, baseUrl), { ...init, headers, cache: 'no-store' });
    } catch (error) {
      if (init.signal?.aborted) throw error;
      throw new ApiError(`Cannot reach the gateway at ${baseUrl}.`, 0, 'network_error');
    }
    if (!response.ok) throw await toApiError(response);
    return response;
  };

  const getJson = async <T>(path: string, signal?: AbortSignal): Promise<T> => {
    const response = await send(path, { headers: { accept: 'application/json' }, signal });
    return (await response.json()) as T;
  };

  const sendJson = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await send(path, {
      method,
      headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return (await response.json()) as T;
  };

  const readEventStream = async (
    onEvent: (event: AdminEvent) => void,
    signal: AbortSignal,
    hooks: { onOpen(): void; onRetry(ms: number): void },
  ): Promise<void> => {
    const attempt = new AbortController();
    const abortAttempt = (): void => attempt.abort();
    signal.addEventListener('abort', abortAttempt, { once: true });
    let stallTimer: ReturnType<typeof setTimeout> | undefined;
    const armStallTimer = (): void => {
      clearTimeout(stallTimer);
      stallTimer = setTimeout(abortAttempt, STALL_TIMEOUT_MS);
    };
    try {
      armStallTimer();
      const response = await send(ADMIN_ROUTES.events, {
        headers: { accept: 'text/event-stream' },
        signal: attempt.signal,
      });
      if (!response.body) throw new ApiError('The event stream has no body.', response.status);
      hooks.onOpen();
      const parser = createSseParser({
        onMessage: (message) => deliverEvent(message.data, onEvent),
        onRetry: hooks.onRetry,
      });
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        armStallTimer();
        parser.push(decoder.decode(value, { stream: true }));
      }
      parser.end();
    } catch (error) {
      // a stall or the caller's abort both end the attempt; only the caller's abort ends the subscription
      if (!attempt.signal.aborted || signal.aborted) throw error;
    } finally {
      clearTimeout(stallTimer);
      signal.removeEventListener('abort', abortAttempt);
    }
  };

  return {
    baseUrl,

    health: (signal?: AbortSignal) => getJson<Health>(ADMIN_ROUTES.health, signal),

    listTraces: (query: TraceQuery = {}, signal?: AbortSignal) =>
      getJson<Page<Trace>>(`${ADMIN_ROUTES.traces}${toQueryString(query)}`, signal),

    getTrace: (id: string, signal?: AbortSignal) => getJson<TraceDetail>(ADMIN_ROUTES.trace(id), signal),

    /** every trace the filters match, as a file to save: CSV (one row per request) or JSON lines */
    async exportTraces(query: Omit<TraceQuery, 'limit' | 'cursor'>, format: 'csv' | 'jsonl'): Promise<{ blob: Blob; filename: string }> {
      const response = await send(`${ADMIN_ROUTES.traces}/export${toQueryString({ ...query, format })}`);
      const named = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '');
      return { blob: await response.blob(), filename: named?.[1] ?? `tollgate-traces.${format}` };
    },

    listProjects: (signal?: AbortSignal) => getJson<{ items: Project[] }>(ADMIN_ROUTES.projects, signal),

    createProject: (input: ProjectCreate) => sendJson<Project>('POST', ADMIN_ROUTES.projects, input),

    patchProject: (slug: string, patch: ProjectPatch) => sendJson<Project>('PATCH', ADMIN_ROUTES.project(slug), patch),

    getProjectUsage: (slug: string, signal?: AbortSignal) => getJson<ProjectUsage>(ADMIN_ROUTES.projectUsage(slug), signal),

    listCacheEntries: (query: CacheEntryQuery = {}, signal?: AbortSignal) =>
      getJson<Page<CacheEntry>>(`${ADMIN_ROUTES.cacheEntries}${toQueryString(query)}`, signal),

    getCacheEntry: (id: string, signal?: AbortSignal) => getJson<CacheEntryDetail>(ADMIN_ROUTES.cacheEntry(id), signal),

    /** the requests an entry answered, newest first */
    listCacheEntryHits: (id: string, signal?: AbortSignal) =>
      getJson<{ items: CacheEntryHit[] }>(ADMIN_ROUTES.cacheEntryHits(id), signal),

    /** a semantic hit answered the wrong question: the gateway tightens that entry's threshold */
    reportWrongHit: (entryId: string, similarity?: number) =>
      sendJson<{ id: string }>('POST', `${ADMIN_ROUTES.cacheEntry(entryId)}/wrong`, similarity === undefined ? {} : { similarity }),

    deleteCacheEntries: (ids: string[]) => sendJson<{ removed: number }>('POST', DASHBOARD_ROUTES.cacheDelete, { ids }),

    /** with `dryRun: true` only counts what the filter matches */
    invalidateCache: (filter: CacheInvalidate) =>
      sendJson<{ removed: number; dryRun?: boolean }>('POST', ADMIN_ROUTES.cacheInvalidate, filter),

    spend: (groupBy: SpendGroupBy, query: { project?: string; from?: string; to?: string } = {}, signal?: AbortSignal) =>
      getJson<{ items: SpendRow[] }>(`${ADMIN_ROUTES.spend}${toQueryString({ groupBy, ...query })}`, signal),

    overview: (query: { days?: number; project?: string } = {}, signal?: AbortSignal) =>
      getJson<Overview>(`${DASHBOARD_ROUTES.overview}${toQueryString(query)}`, signal),

    lookupPrice: (model: string, signal?: AbortSignal) =>
      getJson<PriceLookup>(`${DASHBOARD_ROUTES.pricing}${toQueryString({ model })}`, signal),

    /** the embedder worker, the vector index and the verifier's held-out numbers */
    getSemanticStatus: (signal?: AbortSignal) => getJson<SemanticStatus>(ADMIN_ROUTES.semantic, signal),

    getSettings: (signal?: AbortSignal) => getJson<GatewaySettings>(ADMIN_ROUTES.settings, signal),

    patchSettings: (patch: Partial<GatewaySettings>) => sendJson<GatewaySettings>('PATCH', ADMIN_ROUTES.settings, patch),

    listProviders: (signal?: AbortSignal) => getJson<{ items: ProviderSettings[] }>(ADMIN_ROUTES.providers, signal),

    updateProvider: (id: string, patch: ProviderUpdate) =>
      sendJson<ProviderSettings>('PUT', ADMIN_ROUTES.provider(id), patch),

    listAliases: (signal?: AbortSignal) => getJson<{ items: Alias[] }>(ADMIN_ROUTES.aliases, signal),

    putAlias: (name: string, body: AliasPut) => sendJson<Alias>('PUT', ADMIN_ROUTES.alias(name), body),

    deleteAlias: (name: string) => sendJson<{ removed: number }>('DELETE', ADMIN_ROUTES.alias(name)),

    listProjectAliases: (slug: string, signal?: AbortSignal) => getJson<{ items: Alias[] }>(ADMIN_ROUTES.projectAliases(slug), signal),

    putProjectAlias: (slug: string, name: string, body: AliasPut) => sendJson<Alias>('PUT', ADMIN_ROUTES.projectAlias(slug, name), body),

    deleteProjectAlias: (slug: string, name: string) => sendJson<{ removed: number }>('DELETE', ADMIN_ROUTES.projectAlias(slug, name)),

    getRoutingRule: (slug: string, signal?: AbortSignal) => getJson<RoutingRule>(ADMIN_ROUTES.projectRouting(slug), signal),

    putRoutingRule: (slug: string, rule: RoutingRule) => sendJson<RoutingRule>('PUT', ADMIN_ROUTES.projectRouting(slug), rule),

    /**
     * Follows `/admin/v1/events` until `signal` aborts, reconnecting with exponential backoff.
     * fetch, not EventSource: EventSource cannot send the Authorization header, and a token in a URL
     * ends up in logs. Stops for good on 401/403, since retrying cannot fix a wrong token.
     */
    async subscribeEvents(
      onEvent: (event: AdminEvent) => void,
      signal: AbortSignal,
      { onStatus }: SubscribeOptions = {},
    ): Promise<void> {
      let delay = INITIAL_RETRY_MS;
      let serverRetryMs: number | null = null;
      onStatus?.('connecting');
      while (!signal.aborted) {
        try {
          await readEventStream(onEvent, signal, {
            onOpen: () => {
              delay = INITIAL_RETRY_MS;
              onStatus?.('live');
            },
            onRetry: (ms) => {
              serverRetryMs = ms;
            },
          });
          if (signal.aborted) return;
          onStatus?.('offline');
        } catch (error) {
          if (signal.aborted) return;
          if (error instanceof ApiError && error.isUnauthorized) {
            onStatus?.('unauthorized', error);
            return;
          }
          onStatus?.('offline', error);
        }
        await sleep(addJitter(serverRetryMs ?? delay), signal);
        delay = Math.min(delay * 2, MAX_RETRY_MS);
      }
    },
  };
}

export type AdminClient = ReturnType<typeof createAdminClient>;

let defaultClient: AdminClient | null = null;

/** The page's client, made on first use so importing this module has no side effects (tests, SSR). */
export function getAdminClient(): AdminClient {
  return (defaultClient ??= createAdminClient());
}

function deliverEvent(data: string, onEvent: (event: AdminEvent) => void): void {
  let event: unknown;
  try {
    event = JSON.parse(data);
  } catch {
    return;
  }
  if (typeof event !== 'object' || event === null || typeof (event as { type?: unknown }).type !== 'string') return;
  try {
    onEvent(event as AdminEvent);
  } catch (error) {
    // one bad handler run must not tear down the stream for every later event
    console.error('[tollgate] event handler failed', error);
  }
}

async function toApiError(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown; type?: unknown; code?: unknown } };
    const error = body.error;
    if (error && typeof error.message === 'string') {
      return new ApiError(
        error.message,
        response.status,
        typeof error.code === 'string' ? error.code : null,
        typeof error.type === 'string' ? error.type : null,
      );
    }
  } catch {
    // not JSON: fall through to the status line
  }
  return new ApiError(text.trim().slice(0, 200) || `${response.status} ${response.statusText}`, response.status);
}

function toQueryString(query: object): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** ±20 % so many dashboards don't reconnect in lockstep after a gateway restart. */
function addJitter(ms: number): number {
  return Math.round(ms * (0.8 + Math.random() * 0.4));
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
