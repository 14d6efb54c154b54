import type { AliasPut, RoutingRule } from '../../../shared/api/dto';
import type { CacheInvalidate, GatewaySettings, ProjectCreate, ProjectPatch, ProviderUpdate } from '../../../shared/api/dto';
import type { CacheEntryQuery, TraceQuery } from '../../../shared/api/routes';
import type { AdminModel } from './admin-model';

interface RouteInput { params: string[]; query: URLSearchParams; body: unknown }
type Handler = (model: AdminModel, input: RouteInput) => unknown;
interface Route { method: string; pattern: RegExp; handler: Handler; status?: number; sse?: boolean; download?: boolean }

const str = (q: URLSearchParams, k: string) => q.get(k) ?? undefined;
const num = (q: URLSearchParams, k: string) => {
  const v = q.get(k);
  return v === null || v === '' || !Number.isFinite(Number(v)) ? undefined : Number(v);
};

/** The admin API's route table: parse, call the model, serialise. Nothing else lives here. */
const ROUTES: Route[] = [
  { method: 'GET', pattern: /^\/admin\/v1\/health$/, handler: (m) => m.health() },
  { method: 'GET', pattern: /^\/admin\/v1\/events$/, handler: () => null, sse: true },
  {
    method: 'GET', pattern: /^\/admin\/v1\/traces$/, handler: (m, { query: q }) => m.listTraces({
      project: str(q, 'project'), model: str(q, 'model'), status: str(q, 'status'), cache: str(q, 'cache'),
      q: str(q, 'q'), limit: num(q, 'limit'), cursor: str(q, 'cursor'),
    } satisfies TraceQuery),
  },
  {
    // before /traces/:id, which would take "export" for an id
    method: 'GET', pattern: /^\/admin\/v1\/traces\/export$/, download: true, handler: (m, { query: q }) => m.exportTraces({
      project: str(q, 'project'), model: str(q, 'model'), status: str(q, 'status'), cache: str(q, 'cache'), q: str(q, 'q'),
    }, str(q, 'format')),
  },
  { method: 'GET', pattern: /^\/admin\/v1\/traces\/([^/]+)$/, handler: (m, { params }) => m.getTrace(params[0]!) },
  { method: 'GET', pattern: /^\/admin\/v1\/projects$/, handler: (m) => m.listProjects() },
  { method: 'POST', pattern: /^\/admin\/v1\/projects$/, status: 201, handler: (m, { body }) => m.createProject(body as ProjectCreate) },
  { method: 'GET', pattern: /^\/admin\/v1\/projects\/([^/]+)$/, handler: (m, { params }) => m.getProject(params[0]!) },
  { method: 'GET', pattern: /^\/admin\/v1\/projects\/([^/]+)\/usage$/, handler: (m, { params }) => m.getProjectUsage(params[0]!) },
  { method: 'PATCH', pattern: /^\/admin\/v1\/projects\/([^/]+)$/, handler: (m, { params, body }) => m.patchProject(params[0]!, body as ProjectPatch) },
  {
    method: 'GET', pattern: /^\/admin\/v1\/cache\/entries$/, handler: (m, { query: q }) => m.listCacheEntries({
      project: str(q, 'project'), model: str(q, 'model'), tag: str(q, 'tag'), q: str(q, 'q'),
      sort: str(q, 'sort') as CacheEntryQuery['sort'], olderThanSec: num(q, 'olderThanSec'), limit: num(q, 'limit'), cursor: str(q, 'cursor'),
    }),
  },
  { method: 'GET', pattern: /^\/admin\/v1\/cache\/entries\/([^/]+)$/, handler: (m, { params }) => m.getCacheEntry(params[0]!) },
  { method: 'GET', pattern: /^\/admin\/v1\/cache\/entries\/([^/]+)\/hits$/, handler: (m, { params, query: q }) => m.listCacheEntryHits(params[0]!, num(q, 'limit')) },
  { method: 'DELETE', pattern: /^\/admin\/v1\/cache\/entries\/([^/]+)$/, handler: (m, { params }) => m.deleteCacheEntry(params[0]!) },
  { method: 'GET', pattern: /^\/admin\/v1\/semantic$/, handler: (m) => m.semanticStatus() },
  { method: 'POST', pattern: /^\/admin\/v1\/cache\/entries\/([^/]+)\/wrong$/, handler: (m, { params, body }) => m.reportWrongHit(params[0]!, body as { similarity?: number } | null) },
  { method: 'POST', pattern: /^\/admin\/v1\/cache\/invalidate$/, handler: (m, { body }) => m.invalidateCache(body as CacheInvalidate) },
  {
    method: 'GET', pattern: /^\/admin\/v1\/spend$/, handler: (m, { query: q }) =>
      m.spend(str(q, 'groupBy') ?? 'project', { project: str(q, 'project'), from: str(q, 'from'), to: str(q, 'to') }),
  },
  { method: 'GET', pattern: /^\/admin\/v1\/settings$/, handler: (m) => m.getSettings() },
  { method: 'PATCH', pattern: /^\/admin\/v1\/settings$/, handler: (m, { body }) => m.patchSettings(body as Partial<GatewaySettings>) },
  { method: 'GET', pattern: /^\/admin\/v1\/providers$/, handler: (m) => m.listProviders() },
  { method: 'PUT', pattern: /^\/admin\/v1\/providers\/([^/]+)$/, handler: (m, { params, body }) => m.updateProvider(params[0]!, body as ProviderUpdate) },
  { method: 'DELETE', pattern: /^\/admin\/v1\/providers\/([^/]+)$/, handler: (m, { params }) => m.removeProvider(params[0]!) },
  { method: 'GET', pattern: /^\/admin\/v1\/aliases$/, handler: (m) => m.listAliases() },
  { method: 'PUT', pattern: /^\/admin\/v1\/aliases\/([^/]+)$/, handler: (m, { params, body }) => m.putAlias(params[0]!, body as AliasPut) },
  { method: 'DELETE', pattern: /^\/admin\/v1\/aliases\/([^/]+)$/, handler: (m, { params }) => m.deleteAlias(params[0]!) },
  { method: 'GET', pattern: /^\/admin\/v1\/projects\/([^/]+)\/aliases$/, handler: (m, { params }) => m.listProjectAliases(params[0]!) },
  { method: 'PUT', pattern: /^\/admin\/v1\/projects\/([^/]+)\/aliases\/([^/]+)$/, handler: (m, { params, body }) => m.putProjectAlias(params[0]!, params[1]!, body as AliasPut) },
  { method: 'DELETE', pattern: /^\/admin\/v1\/projects\/([^/]+)\/aliases\/([^/]+)$/, handler: (m, { params }) => m.deleteProjectAlias(params[0]!, params[1]!) },
  { method: 'GET', pattern: /^\/admin\/v1\/projects\/([^/]+)\/routing$/, handler: (m, { params }) => m.getRoutingRule(params[0]!) },
  { method: 'PUT', pattern: /^\/admin\/v1\/projects\/([^/]+)\/routing$/, handler: (m, { params, body }) => m.putRoutingRule(params[0]!, body as RoutingRule) },
  // dashboard additions (dashboard-model.ts)
  { method: 'GET', pattern: /^\/admin\/v1\/overview$/, handler: (m, { query: q }) => m.overview(num(q, 'days'), str(q, 'project')) },
  { method: 'GET', pattern: /^\/admin\/v1\/pricing$/, handler: (m, { query: q }) => m.lookupPrice(str(q, 'model')) },
  { method: 'POST', pattern: /^\/admin\/v1\/cache\/delete$/, handler: (m, { body }) => m.deleteCacheEntries(body) },
];

/** Method and path pattern of every route (the fuzz tests walk all of them, including ones added later). */
export function listAdminRoutes(): Array<{ method: string; pattern: RegExp; sse: boolean }> {
  return ROUTES.map((r) => ({ method: r.method, pattern: r.pattern, sse: r.sse === true }));
}

export function matchAdminRoute(method: string, pathname: string) {
  for (const r of ROUTES) {
    if (r.method !== method) continue;
    const m = r.pattern.exec(pathname);
    if (!m) continue;
    const params = m.slice(1).map((p) => { try { return decodeURIComponent(p); } catch { return p; } });
    return { handler: r.handler, params, status: r.status, sse: r.sse === true, download: r.download === true };
  }
  return null;
}
