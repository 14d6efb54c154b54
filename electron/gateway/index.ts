import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { createAdminModel } from './admin/admin-model';
import { createAdminServer } from './admin/server';
import { createBudgets } from './budget/budgets';
import { createRateLimiter } from './limits/rate-limiter';
import { isValidTimeZone, systemTimeZone } from './budget/periods';
import { createEventHub, type EventHub } from './admin/event-hub';
import { resolveAdminToken } from './admin-token';
import { countProcessTimeouts, trackSockets, type GatewayDiagnostics } from './diagnostics';
import { createExactCache } from './cache/exact-cache';
import { DEFAULT_ADMIN_PORT, DEFAULT_MAX_BODY_BYTES, DEFAULT_PROXY_PORT, type GatewayOptions } from './config';
import { loadPricing } from './cost/load-pricing';
import { createSpendTracker } from './cost/spend-tracker';
import { createUpstreamClient } from './http/upstream-client';
import { createLogger } from './log';
import { createMetricsCollector } from './metrics/collector';
import { createMetricsEndpoint } from './metrics/exposition';
import type { PipelineDeps } from './pipeline/stage';
import { checkNotLoop, createProviderSettings } from './providers/provider-settings';
import { createProxyServer, DEFAULT_CLIENT_TIMEOUTS } from './proxy/server';
import { createRouter } from './routing/router';
import { openStore } from './store/db';
import { createCacheRepo } from './store/repos/cache-repo';
import { createProjectsRepo } from './store/repos/projects-repo';
import { createSettingsRepo } from './store/repos/settings-repo';
import { createSpendRepo } from './store/repos/spend-repo';
import { createTracesRepo } from './store/repos/traces-repo';
import { createRetention } from './store/retention';
import { createSemanticRepo } from './store/repos/semantic-repo';
import { createSemanticCache } from './semantic/semantic-cache';
import { createLlmJudge } from './semantic/llm-judge';
import { createJudgeVerdictsRepo } from './store/repos/judge-verdicts-repo';

export type { GatewayOptions, GatewayDiagnostics };
export type { SecretStore } from './providers/secret-store';
export { toLocalDay } from './store/repos/spend-repo';
export const VERSION = '0.1.0';

export interface GatewayAddresses {
  proxyUrl: string;
  adminUrl: string;
  /** the admin URL with the token in its fragment (never in the query: fragments are not sent or logged) */
  dashboardUrl: string;
  proxyPort: number;
  adminPort: number;
}

export interface Gateway {
  start(): Promise<GatewayAddresses>;
  stop(): Promise<void>;
  readonly adminToken: string;
  readonly events: EventHub;
  /** the desktop tray's "pause caching" */
  setCachingPaused(paused: boolean): void;
  /** open sockets, in-flight requests, live timers: what a leak would leave behind */
  diagnostics(): GatewayDiagnostics;
}

const DEFAULT_PRICING_FILE = fileURLToPath(new URL('../../resources/pricing.json', import.meta.url));
// beside the bundle as in the source tree (see electron.vite.config.ts): resolved here, at the gateway's depth
const BUNDLED_MODELS_DIR = fileURLToPath(new URL('../../resources/models', import.meta.url));
const VERIFIER_FILE = fileURLToPath(new URL('../../resources/semantic-verifier.json', import.meta.url));
const SWEEP_EVERY_MS = 10 * 60 * 1000;

function resolveTimeZone(tz: string | undefined): string {
  if (tz === undefined || tz === '') return systemTimeZone();
  if (!isValidTimeZone(tz)) throw new Error(`Unknown time zone "${tz}": use an IANA name such as "Europe/Berlin" or "UTC".`);
  return tz;
}

async function listen(server: Server, port: number, host: string): Promise<number> {
  // a deep accept queue: a burst of clients connecting at once (a batch job's 1,000 streams) must not see resets
  server.listen({ port, host, backlog: 4096 });
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

export function createGateway(options: GatewayOptions): Gateway {
  const env = options.env ?? process.env;
  const now = options.now ?? Date.now;
  const host = options.host ?? '127.0.0.1';
  const log = createLogger(options.log);
  mkdirSync(options.dataDir, { recursive: true });
  const adminToken = resolveAdminToken(options.dataDir, options.adminToken, env);
  const metrics = createMetricsCollector();
  const store = openStore(options.dataDir, {
    onError: (err) => log.error('batched write failed', { err }), onCommit: metrics.observeCommit,
    nativeBinding: options.sqliteNativeBinding, commitWindowMs: options.commitWindowMs,
  });
  const settings = createSettingsRepo(store.db);
  const cacheRepo = createCacheRepo(store.db);
  const events = createEventHub();
  const timeouts = {
    connectMs: options.upstreamConnectTimeoutMs ?? 10_000,
    headersMs: options.upstreamHeadersTimeoutMs ?? 600_000,
    bodyMs: options.upstreamBodyTimeoutMs ?? 300_000,
  };
  const upstream = createUpstreamClient(timeouts);
  const spend = createSpendRepo(store.db, store.enqueueAtCommit);
  const exactCache = createExactCache(store, cacheRepo, now);
  const providers = createProviderSettings({ dataDir: options.dataDir, settings, env, openai: options.openai, secretStore: options.secretStore });
  const deps: PipelineDeps = {
    store,
    projects: createProjectsRepo(store.db, now),
    traces: createTracesRepo(store.db),
    spend,
    spendTracker: createSpendTracker(spend, now),
    cacheRepo,
    exactCache,
    providers,
    routing: createRouter(store.db, now, options.routing),
    upstream,
    pricing: loadPricing(options.pricingFile ?? DEFAULT_PRICING_FILE),
    events,
    log,
    now,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    instanceId: randomBytes(8).toString('hex'),
    state: { cachingPaused: false },
    semantic: createSemanticCache({
      store, repo: createSemanticRepo(store.db), exactCache, providers, events, log, dataDir: options.dataDir,
      modelDirs: options.modelDirs ?? [BUNDLED_MODELS_DIR, join(options.dataDir, 'models')], modelHost: options.modelHost,
      verifierFile: VERIFIER_FILE, index: options.semanticIndex,
    }),
    metrics,
    budgets: createBudgets({ store, events, now, defaultTimeZone: resolveTimeZone(options.timeZone ?? env.TOLLGATE_TIME_ZONE) }),
    limits: createRateLimiter(now),
    judge: createLlmJudge(options.semanticJudge, { repo: createJudgeVerdictsRepo(store.db), store }),
  };

  const startedAt = now();
  let ports = { proxy: 0, admin: 0 };
  const addressesOf = (): GatewayAddresses => {
    const proxyUrl = `http://127.0.0.1:${ports.proxy}/v1`;
    const adminUrl = `http://127.0.0.1:${ports.admin}`;
    return { proxyUrl, adminUrl, dashboardUrl: `${adminUrl}/#token=${adminToken}`, proxyPort: ports.proxy, adminPort: ports.admin };
  };
  const proxy = createProxyServer(deps, host, {
    headersMs: options.clientHeadersTimeoutMs ?? DEFAULT_CLIENT_TIMEOUTS.headersMs,
    requestMs: options.clientRequestTimeoutMs ?? DEFAULT_CLIENT_TIMEOUTS.requestMs,
  });
  const proxySockets = trackSockets(proxy.server);
  const envRetention = env.TOLLGATE_RETENTION_DAYS ? Number(env.TOLLGATE_RETENTION_DAYS) : undefined;
  const retention = createRetention(store, deps.traces, settings, now, (err) => log.error('retention sweep failed', { err }),
    options.retentionDays ?? envRetention);
  const model = createAdminModel(deps, {
    info: () => ({
      version: VERSION, proxyUrl: addressesOf().proxyUrl, adminUrl: addressesOf().adminUrl,
      uptimeSec: Math.round((now() - startedAt) / 1000),
    }),
    ownPorts: () => [ports.proxy, ports.admin],
    retention,
  });
  const admin = createAdminServer({
    model, events, token: adminToken, bindHost: host, dashboardDir: options.dashboardDir ?? null, log, now,
    port: () => ports.admin,
    commit: store.flush,
    metrics: createMetricsEndpoint({
      collector: deps.metrics, inFlight: () => proxy.inFlight,
      budgets: () => model.listProjects().items.map((p) => model.getProjectUsage(p.slug)),
    }),
  });
  const adminSockets = trackSockets(admin);
  let sweep: NodeJS.Timeout | null = null;
  let stopping: Promise<void> | null = null;

  return {
    adminToken,
    events,
    setCachingPaused(paused) { deps.state.cachingPaused = paused; },
    diagnostics() {
      const up = upstream.stats();
      const pending = store.pending();
      return {
        inFlight: proxy.inFlight,
        sockets: { proxy: proxySockets(), admin: adminSockets(), upstreamActive: up.activeSockets, upstreamIdle: up.idleSockets },
        upstreamPending: up.pendingRequests,
        timers: { upstreamConnect: up.connectTimers, storeFlush: pending.timer ? 1 : 0, process: countProcessTimeouts() },
        pendingWrites: pending.writes,
        eventClients: events.clientCount,
      };
    },

    async start() {
      const proxyPort = await listen(proxy.server, options.proxyPort ?? DEFAULT_PROXY_PORT, host);
      ports = { proxy: proxyPort, admin: 0 };
      const adminPort = await listen(admin, options.adminPort ?? DEFAULT_ADMIN_PORT, host);
      ports = { proxy: proxyPort, admin: adminPort };
      const openai = deps.providers.get('openai');
      try {
        if (openai) checkNotLoop(openai.baseUrl, [proxyPort, adminPort]);
      } catch (err) {
        await this.stop();
        throw err;
      }
      const sweepOld = () => {
        if (deps.exactCache.sweepExpired() > 0) deps.semantic.forgetRemoved();
        void retention.sweep();
      };
      sweepOld();
      for (const p of deps.projects.list()) if (p.semantic.enabled) deps.semantic.warm(p.slug, p.semantic);
      sweep = setInterval(sweepOld, SWEEP_EVERY_MS);
      sweep.unref();
      return addressesOf();
    },

    stop() {
      stopping ??= (async () => {
        if (sweep) clearInterval(sweep);
        proxy.server.close();
        proxy.server.closeIdleConnections();
        const drained = await proxy.drain(options.drainTimeoutMs ?? 10_000);
        if (!drained) log.warn('stopping with requests still in flight', { inFlight: proxy.inFlight });
        proxy.server.closeAllConnections();
        events.close();
        admin.close();
        admin.closeAllConnections();
        await upstream.close().catch(() => undefined);
        await deps.semantic.close().catch(() => undefined);
        await store.close();
      })();
      return stopping;
    },
  };
}
