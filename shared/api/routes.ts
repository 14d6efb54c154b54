/** Admin API paths, shared by the gateway's router and the renderer's client. */
export const ADMIN_PREFIX = '/admin/v1';

export const ADMIN_ROUTES = {
  health: `${ADMIN_PREFIX}/health`,
  events: `${ADMIN_PREFIX}/events`,
  traces: `${ADMIN_PREFIX}/traces`,
  trace: (id: string) => `${ADMIN_PREFIX}/traces/${encodeURIComponent(id)}`,
  projects: `${ADMIN_PREFIX}/projects`,
  project: (slug: string) => `${ADMIN_PREFIX}/projects/${encodeURIComponent(slug)}`,
  projectUsage: (slug: string) => `${ADMIN_PREFIX}/projects/${encodeURIComponent(slug)}/usage`,
  cacheEntries: `${ADMIN_PREFIX}/cache/entries`,
  cacheEntry: (id: string) => `${ADMIN_PREFIX}/cache/entries/${encodeURIComponent(id)}`,
  cacheEntryHits: (id: string) => `${ADMIN_PREFIX}/cache/entries/${encodeURIComponent(id)}/hits`,
  cacheEntryWrong: (id: string) => `${ADMIN_PREFIX}/cache/entries/${encodeURIComponent(id)}/wrong`,
  semantic: `${ADMIN_PREFIX}/semantic`,
  cacheInvalidate: `${ADMIN_PREFIX}/cache/invalidate`,
  spend: `${ADMIN_PREFIX}/spend`,
  settings: `${ADMIN_PREFIX}/settings`,
  providers: `${ADMIN_PREFIX}/providers`,
  provider: (id: string) => `${ADMIN_PREFIX}/providers/${encodeURIComponent(id)}`,
  aliases: `${ADMIN_PREFIX}/aliases`,
  alias: (name: string) => `${ADMIN_PREFIX}/aliases/${encodeURIComponent(name)}`,
  projectAliases: (slug: string) => `${ADMIN_PREFIX}/projects/${encodeURIComponent(slug)}/aliases`,
  projectAlias: (slug: string, name: string) => `${ADMIN_PREFIX}/projects/${encodeURIComponent(slug)}/aliases/${encodeURIComponent(name)}`,
  projectRouting: (slug: string) => `${ADMIN_PREFIX}/projects/${encodeURIComponent(slug)}/routing`,
} as const;

export interface TraceQuery {
  project?: string;
  model?: string;
  status?: string;
  cache?: string;
  q?: string;
  limit?: number;
  cursor?: string;
}

export interface CacheEntryQuery {
  project?: string;
  model?: string;
  tag?: string;
  q?: string;
  sort?: 'age' | 'hits' | 'saved';
  /** only entries created at least this many seconds ago */
  olderThanSec?: number;
  limit?: number;
  cursor?: string;
}
