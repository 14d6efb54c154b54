import type Database from 'better-sqlite3';
import type { CacheEntryHit, CacheLayer, CacheStatus, Endpoint, Page, RoutingDecision, SemanticMatch, StageTiming, Trace, TraceAttempt, TraceDetail } from '../../../../shared/api/dto';
import type { TraceQuery } from '../../../../shared/api/routes';

export interface TraceBodies {
  requestHeaders: Record<string, string>;
  responseHeaders: Record<string, string>;
  requestBody: string | null;
  responseBody: string | null;
  streamedText: string | null;
}

interface Row {
  seq: number; id: string; ts: number; project: string; endpoint: string; method: string; path: string;
  model_requested: string | null; model_used: string | null; provider: string | null; status: number; stream: number;
  cache: string; cache_layer: string | null; cache_reason: string | null; cache_entry_id: string | null;
  latency_ms: number; ttfb_ms: number | null; prompt_tokens: number | null; cached_tokens: number | null;
  completion_tokens: number | null; reasoning_tokens: number | null; cost_usd: number | null; saved_usd: number;
  usage_estimated: number; user: string | null; feature: string | null; tags: string; error: string | null; stages_json: string;
  downgraded_from: string | null;
  attempts_json: string; routing_json: string | null; routing_saved_usd: number | null;
  cache_similarity: number | null; cache_match_json: string | null;
}

function toTrace(r: Row): Trace {
  return {
    id: r.id, ts: r.ts, project: r.project, endpoint: r.endpoint as Endpoint, method: r.method, path: r.path,
    modelRequested: r.model_requested, modelUsed: r.model_used, provider: r.provider, status: r.status,
    stream: r.stream === 1, cache: r.cache as CacheStatus, cacheLayer: r.cache_layer as CacheLayer | null,
    cacheReason: r.cache_reason, cacheEntryId: r.cache_entry_id, latencyMs: r.latency_ms, ttfbMs: r.ttfb_ms,
    promptTokens: r.prompt_tokens, cachedTokens: r.cached_tokens, completionTokens: r.completion_tokens,
    reasoningTokens: r.reasoning_tokens, costUsd: r.cost_usd, savedUsd: r.saved_usd,
    usageEstimated: r.usage_estimated === 1, user: r.user, feature: r.feature,
    tags: r.tags ? r.tags.split(',') : [], error: r.error, stages: JSON.parse(r.stages_json) as StageTiming[],
    downgradedFrom: r.downgraded_from ?? null,
    attempts: JSON.parse(r.attempts_json) as TraceAttempt[],
    routing: r.routing_json ? JSON.parse(r.routing_json) as RoutingDecision : null,
    routingSavedUsd: r.routing_saved_usd,
    cacheSimilarity: r.cache_similarity,
  };
}

function parseMaybeJson(text: string | null): unknown {
  if (text === null) return null;
  try { return JSON.parse(text); } catch { return text; }
}

/** status filters by class, as the dashboard offers them (0 = the client went away before an answer) */
const STATUS_CLAUSES: Record<string, string> = {
  ok: 'status > 0 AND status < 400', error: '(status = 0 OR status >= 400)',
  '4xx': 'status >= 400 AND status < 500', '5xx': 'status >= 500', aborted: 'status = 0',
};
const SEARCHED = ['path', 'model_requested', 'model_used', 'project', 'user', 'feature', 'error', 'provider', 'id', 'tags'];

/** insert order; `insert` passes the values in exactly this order */
const TRACE_COLUMNS = [
  'id', 'ts', 'project', 'endpoint', 'method', 'path', 'model_requested', 'model_used',
  'provider', 'status', 'stream', 'cache', 'cache_layer', 'cache_reason', 'cache_entry_id', 'latency_ms', 'ttfb_ms', 'prompt_tokens',
  'cached_tokens', 'completion_tokens', 'reasoning_tokens', 'cost_usd', 'saved_usd', 'usage_estimated', 'user', 'feature',
  'tags', 'error', 'stages_json',
  'downgraded_from', 'attempts_json', 'routing_json', 'routing_saved_usd',
  'cache_similarity', 'cache_match_json',
] as const;

export function createTracesRepo(db: Database.Database) {
  // positional parameters: binding ~35 named ones costs better-sqlite3 about as much as the insert itself
  const insertTrace = db.prepare(`INSERT INTO traces (${TRACE_COLUMNS.join(', ')}) VALUES (${TRACE_COLUMNS.map(() => '?').join(', ')})`);
  const insertBodies = db.prepare(`INSERT INTO trace_bodies (trace_id, request_headers, response_headers, request_body,
    response_body, streamed_text) VALUES (?, ?, ?, ?, ?, ?)`);
  const selectOne = db.prepare('SELECT * FROM traces WHERE id = ?');
  const selectBodies = db.prepare('SELECT * FROM trace_bodies WHERE trace_id = ?');
  const selectHits = db.prepare(`SELECT id, ts, cache_layer, cache_similarity, cache_match_json, user, feature FROM traces
    WHERE cache_entry_id = ? AND cache = 'hit' ORDER BY seq DESC LIMIT ?`);
  const deleteOldChunk = db.prepare('DELETE FROM traces WHERE seq IN (SELECT seq FROM traces WHERE ts < ? ORDER BY seq LIMIT ?)');

  return {
    /** bodies null: the project keeps none (its trace row is all there is) */
    insert(t: Trace, bodies: TraceBodies | null, match: SemanticMatch | null = null) {
      insertTrace.run(
        t.id, t.ts, t.project, t.endpoint, t.method, t.path, t.modelRequested, t.modelUsed,
        t.provider, t.status, t.stream ? 1 : 0, t.cache, t.cacheLayer, t.cacheReason, t.cacheEntryId, t.latencyMs, t.ttfbMs, t.promptTokens,
        t.cachedTokens, t.completionTokens, t.reasoningTokens, t.costUsd, t.savedUsd, t.usageEstimated ? 1 : 0, t.user, t.feature,
        t.tags.join(','), t.error, JSON.stringify(t.stages),
        t.downgradedFrom, JSON.stringify(t.attempts), t.routing ? JSON.stringify(t.routing) : null, t.routingSavedUsd,
        t.cacheSimilarity, match ? JSON.stringify(match) : null,
      );
      if (bodies) insertBodies.run(t.id, JSON.stringify(bodies.requestHeaders), JSON.stringify(bodies.responseHeaders),
        bodies.requestBody, bodies.responseBody, bodies.streamedText);
    },

    list(q: TraceQuery): Page<Trace> {
      const where: string[] = [];
      const args: Record<string, unknown> = {};
      if (q.project) { where.push('project = @project'); args.project = q.project; }
      if (q.model) { where.push('(model_requested = @model OR model_used = @model)'); args.model = q.model; }
      if (q.cache === 'hit-exact') where.push("cache = 'hit' AND (cache_layer IS NULL OR cache_layer <> 'semantic')");
      else if (q.cache === 'hit-semantic') where.push("cache = 'hit' AND cache_layer = 'semantic'");
      else if (q.cache) { where.push('cache = @cache'); args.cache = q.cache; }
      // own keys only: ?status=valueOf must not find Object.prototype's
      const statusClause = q.status && Object.hasOwn(STATUS_CLAUSES, q.status) ? STATUS_CLAUSES[q.status] : undefined;
      if (statusClause) where.push(statusClause);
      else if (q.status && /^\d{3}$/.test(q.status)) { where.push('status = @status'); args.status = Number(q.status); }
      // the same fields the dashboard's own filter searches, so a server search finds what the table would show
      if (q.q) {
        where.push(`(${SEARCHED.map((c) => `${c} LIKE @q ESCAPE '\\'`).join(' OR ')})`);
        args.q = `%${q.q.replace(/[\\%_]/g, (m) => '\\' + m)}%`;
      }
      if (q.cursor) { where.push('seq < @cursor'); args.cursor = Number(q.cursor); }
      const limit = Math.min(Math.max(Math.floor(q.limit ?? 100), 1), 1000);
      const sql = `SELECT * FROM traces ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY seq DESC LIMIT ${limit + 1}`;
      const rows = db.prepare(sql).all(args) as Row[];
      const more = rows.length > limit;
      const page = more ? rows.slice(0, limit) : rows;
      return { items: page.map(toTrace), nextCursor: more ? String(page[page.length - 1]!.seq) : null };
    },

    /** the requests a cache entry answered, newest first */
    listHitsOf(entryId: string, limit: number): CacheEntryHit[] {
      const rows = selectHits.all(entryId, limit) as Array<Pick<Row, 'id' | 'ts' | 'cache_layer' | 'cache_similarity' | 'cache_match_json' | 'user' | 'feature'>>;
      return rows.map((r) => {
        const match = r.cache_match_json ? JSON.parse(r.cache_match_json) as SemanticMatch : null;
        return {
          traceId: r.id, ts: r.ts, layer: r.cache_layer as CacheLayer | null, similarity: r.cache_similarity,
          probability: match?.probability ?? null, threshold: match?.threshold ?? null, query: match?.query ?? null,
          user: r.user, feature: r.feature,
        };
      });
    },

    /** deletes at most `limit` traces older than `before` (bodies go with them); returns how many went */
    deleteOlderThan(before: number, limit: number): number {
      return deleteOldChunk.run(before, limit).changes;
    },

    get(id: string): TraceDetail | undefined {
      const row = selectOne.get(id) as Row | undefined;
      if (!row) return undefined;
      const b = selectBodies.get(id) as { request_headers: string; response_headers: string; request_body: string | null;
        response_body: string | null; streamed_text: string | null } | undefined;
      return {
        ...toTrace(row),
        requestHeaders: b ? JSON.parse(b.request_headers) as Record<string, string> : {},
        responseHeaders: b ? JSON.parse(b.response_headers) as Record<string, string> : {},
        request: parseMaybeJson(b?.request_body ?? null),
        response: parseMaybeJson(b?.response_body ?? null),
        streamedText: b?.streamed_text ?? null,
        bodiesKept: b !== undefined,
        cacheMatch: row.cache_match_json ? JSON.parse(row.cache_match_json) as SemanticMatch : null,
      };
    },
  };
}

export type TracesRepo = ReturnType<typeof createTracesRepo>;
