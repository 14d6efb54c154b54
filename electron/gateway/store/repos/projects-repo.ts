import type Database from 'better-sqlite3';
import type { BudgetMode, CachePolicy, Project, ProjectBudget, ProjectCreate, ProjectLimits, ProjectPatch, SemanticSettings } from '../../../../shared/api/dto';

type ProjectRecord = Omit<Project, 'spend'>;

interface Row {
  slug: string; name: string; cache_policy: string; cache_ttl_sec: number; cache_version: number;
  budget_json: string; limits_json: string; created_at: number; semantic_json: string; keep_bodies: number;
}

const DEFAULT_BUDGET: ProjectBudget = { dailyUsd: null, monthlyUsd: null, mode: 'block' };
const DEFAULT_LIMITS: ProjectLimits = { rpm: null, tpm: null, concurrency: null };
export const DEFAULT_SEMANTIC: SemanticSettings = { enabled: false, strictness: 'balanced', embedder: 'auto', allowModelDownload: false, judge: null };
export const DEFAULT_CACHE_TTL_SEC = 7 * 24 * 3600;

function toRecord(r: Row): ProjectRecord {
  return {
    slug: r.slug,
    name: r.name,
    cachePolicy: r.cache_policy as CachePolicy,
    cacheTtlSec: r.cache_ttl_sec,
    cacheVersion: r.cache_version,
    budget: { ...DEFAULT_BUDGET, ...(JSON.parse(r.budget_json) as Partial<ProjectBudget>) },
    limits: { ...DEFAULT_LIMITS, ...(JSON.parse(r.limits_json) as Partial<ProjectLimits>) },
    createdAt: r.created_at,
    semantic: { ...DEFAULT_SEMANTIC, ...(JSON.parse(r.semantic_json) as Partial<SemanticSettings>) },
    keepBodies: r.keep_bodies !== 0,
  };
}

/** Projects are read on every request, so they live in memory and write through to SQLite. */
export function createProjectsRepo(db: Database.Database, now: () => number) {
  const bySlug = new Map<string, ProjectRecord>();
  for (const row of db.prepare('SELECT * FROM projects').all() as Row[]) bySlug.set(row.slug, toRecord(row));

  const insert = db.prepare(`INSERT INTO projects (slug, name, cache_policy, cache_ttl_sec, cache_version, budget_json, limits_json, created_at, semantic_json, keep_bodies)
    VALUES (@slug, @name, @cachePolicy, @cacheTtlSec, @cacheVersion, @budget, @limits, @createdAt, @semantic, @keepBodies)`);
  const update = db.prepare(`UPDATE projects SET name=@name, cache_policy=@cachePolicy, cache_ttl_sec=@cacheTtlSec,
    cache_version=@cacheVersion, budget_json=@budget, limits_json=@limits, semantic_json=@semantic, keep_bodies=@keepBodies WHERE slug=@slug`);

  const toParams = (p: ProjectRecord) => ({
    slug: p.slug, name: p.name, cachePolicy: p.cachePolicy, cacheTtlSec: p.cacheTtlSec, cacheVersion: p.cacheVersion,
    budget: JSON.stringify(p.budget), limits: JSON.stringify(p.limits), createdAt: p.createdAt,
    semantic: JSON.stringify(p.semantic), keepBodies: p.keepBodies ? 1 : 0,
  });

  function create(input: ProjectCreate): ProjectRecord {
    const record: ProjectRecord = {
      slug: input.slug,
      name: input.name ?? input.slug,
      cachePolicy: input.cachePolicy ?? 'deterministic',
      cacheTtlSec: input.cacheTtlSec ?? DEFAULT_CACHE_TTL_SEC,
      cacheVersion: 1,
      budget: { ...DEFAULT_BUDGET, ...input.budget },
      limits: { ...DEFAULT_LIMITS, ...input.limits },
      createdAt: now(),
      semantic: { ...DEFAULT_SEMANTIC, ...input.semantic },
      keepBodies: input.keepBodies ?? true,
    };
    insert.run(toParams(record));
    bySlug.set(record.slug, record);
    return record;
  }

  return {
    get: (slug: string) => bySlug.get(slug),
    list: () => [...bySlug.values()].sort((a, b) => a.slug.localeCompare(b.slug)),
    create,
    /** projects come into being on first use */
    ensure(slug: string): ProjectRecord {
      return bySlug.get(slug) ?? create({ slug });
    },
    patch(slug: string, patch: ProjectPatch): ProjectRecord | undefined {
      const current = bySlug.get(slug);
      if (!current) return undefined;
      const next: ProjectRecord = {
        ...current,
        name: patch.name ?? current.name,
        cachePolicy: patch.cachePolicy ?? current.cachePolicy,
        cacheTtlSec: patch.cacheTtlSec ?? current.cacheTtlSec,
        cacheVersion: patch.cacheVersion ?? current.cacheVersion,
        budget: { ...current.budget, ...patch.budget, mode: (patch.budget?.mode ?? current.budget.mode) as BudgetMode },
        limits: { ...current.limits, ...patch.limits },
        semantic: { ...current.semantic, ...patch.semantic },
        keepBodies: patch.keepBodies ?? current.keepBodies,
      };
      update.run(toParams(next));
      bySlug.set(slug, next);
      return next;
    },
  };
}

export type ProjectsRepo = ReturnType<typeof createProjectsRepo>;
export type { ProjectRecord };
