import type { CacheLayer } from '../../../../shared/api/dto';
import type { CacheDirective } from '../../../../shared/headers';
import { HEADERS } from '../../../../shared/headers';
import { buildCacheKey, buildNamespace, isCacheableEndpoint } from '../../cache/cache-key';
import { checkEligibility } from '../../cache/cache-policy';
import { badRequest, GatewayError } from '../../errors';
import { normalizeUsage } from '../../cost/pricing';
import { replayChatCompletion, replayResponse } from '../../stream/sse-replay';
import type { StoredEntry } from '../../store/repos/cache-repo';
import type { RequestContext } from '../context';
import type { Stage } from '../stage';
import { headerValue, splitList } from './ingress';

const DIRECTIVES = new Set<CacheDirective>(['bypass', 'refresh', 'only']);
const MAX_TTL_SEC = 10 * 365 * 24 * 3600;

/** Exact lookup (memory LRU, then SQLite); a hit answers at once, replayed as SSE when the client streams. */
export const cacheLookup: Stage = {
  name: 'cache-lookup',
  run(ctx, deps) {
    readCacheHeaders(ctx);
    const c = ctx.cache;
    if (!isCacheableEndpoint(ctx.endpoint) || !ctx.body || !ctx.project) {
      c.status = 'bypass';
      c.reason = `${ctx.endpoint} is not cached`;
      return;
    }
    if (ctx.project.cachePolicy === 'off' || deps.state.cachingPaused) {
      c.status = 'off';
      c.reason = deps.state.cachingPaused ? 'caching is paused' : 'project cache policy is off';
      return failIfOnly(ctx);
    }
    if (c.noStore) { c.status = 'bypass'; c.reason = 'cache-control: no-store'; return failIfOnly(ctx); }
    if (c.directive === 'bypass') { c.status = 'bypass'; c.reason = 'x-tollgate-cache: bypass'; return; }
    const eligible = checkEligibility(ctx.project.cachePolicy, ctx.endpoint, ctx.body);
    if (!eligible.cacheable) { c.status = 'bypass'; c.reason = eligible.reason; return failIfOnly(ctx); }

    c.namespace = buildNamespace(ctx.project.slug, ctx.project.cacheVersion);
    c.key = buildCacheKey(c.namespace, ctx.endpoint, ctx.body);
    c.status = 'miss';
    if (c.directive === 'refresh') { c.reason = 'x-tollgate-cache: refresh'; return; }

    const entry = deps.exactCache.get(c.key);
    // with semantic caching on, `only` is decided after the semantic lookup
    if (!entry) return ctx.project.semantic.enabled ? undefined : failIfOnly(ctx);
    answerFromEntry(ctx, entry, 'exact');
  },
};

/** Answers from a cached entry (either layer): replayed as SSE when the client streams. */
export function answerFromEntry(ctx: RequestContext, entry: StoredEntry, layer: CacheLayer) {
  const c = ctx.cache;
  c.status = 'hit';
  c.layer = layer;
  c.hit = entry;
  ctx.modelUsed = entry.model;
  ctx.usage = entry.usageJson ? normalizeUsage(JSON.parse(entry.usageJson)) : null;
  ctx.savedUsd = entry.costUsd ?? 0;
  ctx.costUsd = 0;
  ctx.upstreamStatus = null;
  ctx.answerComplete = true;
  if (!ctx.stream) {
    ctx.reply = { kind: 'json', status: 200, headers: { 'content-type': 'application/json' }, body: entry.responseBody };
    return;
  }
  const answer = JSON.parse(entry.responseBody.toString('utf8')) as Record<string, unknown>;
  const body = ctx.endpoint === 'responses' ? replayResponse(answer) : replayChatCompletion(answer, ctx.clientWantsUsage);
  ctx.reply = { kind: 'sse', status: 200, headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' }, body };
}

function readCacheHeaders(ctx: RequestContext) {
  const c = ctx.cache;
  const cc = headerValue(ctx.req, 'cache-control');
  c.noStore = cc !== null && /(^|,)\s*no-store\s*(,|$)/i.test(cc);
  const directive = headerValue(ctx.req, HEADERS.CACHE);
  if (directive !== null) {
    const d = directive.trim().toLowerCase() as CacheDirective;
    if (!DIRECTIVES.has(d)) throw badRequest(`${HEADERS.CACHE} must be one of bypass, refresh or only (got "${directive}").`, HEADERS.CACHE);
    c.directive = d;
  }
  const ttl = headerValue(ctx.req, HEADERS.CACHE_TTL);
  if (ttl !== null) {
    const n = Number(ttl);
    if (!Number.isInteger(n) || n <= 0 || n > MAX_TTL_SEC) {
      throw badRequest(`${HEADERS.CACHE_TTL} must be a whole number of seconds between 1 and ${MAX_TTL_SEC} (got "${ttl}").`, HEADERS.CACHE_TTL);
    }
    c.ttlSec = n;
  }
  c.tags = splitList(headerValue(ctx.req, HEADERS.CACHE_TAGS));
}

export function failIfOnly(ctx: RequestContext) {
  if (ctx.cache.directive !== 'only') return;
  throw new GatewayError(404, 'invalid_request_error', 'cache_miss',
    `No cached answer for this request (${ctx.cache.reason ?? 'not in the cache'}), and x-tollgate-cache: only forbids calling the provider.`);
}
