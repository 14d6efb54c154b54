import type Database from 'better-sqlite3';
import { badRequest } from '../../errors';
import type { CacheEntry, CacheEntryDetail, CacheInvalidate, CacheLayer, Endpoint, Page } from '../../../../shared/api/dto';
import type { CacheEntryQuery } from '../../../../shared/api/routes';

export interface StoredEntry {
  id: string;
  project: string;
  namespace: string;
  endpoint: Endpoint;
  model: string;
  prompt: string;
  requestJson: string;
  responseBody: Buffer;
  usageJson: string | null;
  costUsd: number | null;
  tags: string[];
  createdAt: number;
  expiresAt: number | null;
}

interface Row {
  id: string; project: string; namespace: string; endpoint: string; model: string; layer: string; prompt: string;
  request_json: string; response_body: Buffer; usage_json: string | null; cost_usd: number | null; tags: string;
  created_at: number; expires_at: number | null; hits: number; saved_usd: number;
}

const SORT: Record<NonNullable<CacheEntryQuery['sort']>, string> = {
  age: 'created_at DESC, id', hits: 'hits DESC, id', saved: 'saved_usd DESC, id',
};

/** An entry as the admin API and events show it; hit counts live only in SQLite. */
export function toCacheEntry(e: StoredEntry, hits = 0, savedUsd = 0): CacheEntry {
  return {
    id: e.id, project: e.project, model: e.model, endpoint: e.endpoint, layer: 'exact', prompt: e.prompt,
    createdAt: e.createdAt, expiresAt: e.expiresAt, hits, savedUsd, costUsd: e.costUsd, tags: e.tags,
  };
}

const toEntry = (r: Row): CacheEntry => ({ ...toCacheEntry(toStored(r), r.hits, r.saved_usd), layer: r.layer as CacheLayer });

function toStored(r: Row): StoredEntry {
  return {
    id: r.id, project: r.project, namespace: r.namespace, endpoint: r.endpoint as Endpoint, model: r.model,
    prompt: r.prompt, requestJson: r.request_json, responseBody: r.response_body, usageJson: r.usage_json,
    costUsd: r.cost_usd, tags: r.tags ? r.tags.split(',') : [], createdAt: r.created_at, expiresAt: r.expires_at,
  };
}

function buildFilter(f: CacheInvalidate & { q?: string }, now: number) {
  const where: string[] = [];
  const args: Record<string, unknown> = {};
  if (f.project) { where.push('project = @project'); args.project = f.project; }
  if (f.model) { where.push('model = @model'); args.model = f.model; }
  if (f.tag) { where.push("(',' || tags || ',') LIKE @tag"); args.tag = `%,${f.tag},%`; }
  const text = f.match ?? f.q;
  if (text) { where.push('prompt LIKE @text'); args.text = `%${text}%`; }
  if (f.olderThanSec !== undefined) { where.push('created_at <= @before'); args.before = now - f.olderThanSec * 1000; }
  return { sql: where.length ? 'WHERE ' + where.join(' AND ') : '', args };
}

export function createCacheRepo(db: Database.Database) {
  const insert = db.prepare(`INSERT OR REPLACE INTO cache_entries (id, project, namespace, endpoint, model, prompt,
      request_json, response_body, usage_json, cost_usd, tags, created_at, expires_at)
    VALUES (@id, @project, @namespace, @endpoint, @model, @prompt, @requestJson, @responseBody, @usageJson, @costUsd,
      @tags, @createdAt, @expiresAt)`);
  const selectOne = db.prepare('SELECT * FROM cache_entries WHERE id = ?');
  const recordHit = db.prepare('UPDATE cache_entries SET hits = hits + 1, saved_usd = saved_usd + ?, last_hit_at = ? WHERE id = ?');
  const deleteOne = db.prepare('DELETE FROM cache_entries WHERE id = ?');
  const deleteExpired = db.prepare('DELETE FROM cache_entries WHERE expires_at IS NOT NULL AND expires_at <= ? RETURNING id');

  return {
    insert(e: StoredEntry) {
      insert.run({ ...e, tags: e.tags.join(',') });
    },
    getStored(id: string): StoredEntry | undefined {
      const row = selectOne.get(id) as Row | undefined;
      return row ? toStored(row) : undefined;
    },
    recordHit(id: string, savedUsd: number, at: number) {
      recordHit.run(savedUsd, at, id);
    },
    remove(id: string): number {
      return deleteOne.run(id).changes;
    },
    removeExpired(now: number): string[] {
      return (deleteExpired.all(now) as Array<{ id: string }>).map((r) => r.id);
    },
    get(id: string): CacheEntryDetail | undefined {
      const row = selectOne.get(id) as Row | undefined;
      if (!row) return undefined;
      return {
        ...toEntry(row),
        request: JSON.parse(row.request_json) as unknown,
        response: JSON.parse(row.response_body.toString('utf8')) as unknown,
      };
    },
    list(q: CacheEntryQuery, now: number): Page<CacheEntry> {
      const { sql, args } = buildFilter(q, now);
      const limit = Math.min(Math.max(Math.floor(q.limit ?? 100), 1), 1000);
      if (q.cursor && !/^\d{1,12}$/.test(q.cursor)) throw badRequest('cursor must be the nextCursor of a previous page.', 'cursor');
      const offset = q.cursor ? Number(q.cursor) : 0;
      const order = q.sort && Object.hasOwn(SORT, q.sort) ? SORT[q.sort] : SORT.age;
      const rows = db.prepare(`SELECT * FROM cache_entries ${sql} ORDER BY ${order} LIMIT ${limit + 1} OFFSET ${offset}`)
        .all(args) as Row[];
      const more = rows.length > limit;
      return { items: rows.slice(0, limit).map(toEntry), nextCursor: more ? String(offset + limit) : null };
    },
    /** ids matched by a filter: the caller drops them from memory too */
    removeMatching(f: CacheInvalidate, now: number, dryRun: boolean): string[] {
      const { sql, args } = buildFilter(f, now);
      if (dryRun) return (db.prepare(`SELECT id FROM cache_entries ${sql}`).all(args) as Array<{ id: string }>).map((r) => r.id);
      return (db.prepare(`DELETE FROM cache_entries ${sql} RETURNING id`).all(args) as Array<{ id: string }>).map((r) => r.id);
    },
  };
}

export type CacheRepo = ReturnType<typeof createCacheRepo>;
