import type { ProjectUsage } from '../../../shared/api/dto';
import type { BudgetMode, CacheInvalidate, CachePolicy, SemanticStrictness, GatewaySettings, Health, Project, ProjectCreate, ProjectPatch, ProviderUpdate, SpendGroupBy } from '../../../shared/api/dto';
import type { CacheEntryQuery, TraceQuery } from '../../../shared/api/routes';
import { exportTraces } from './export-traces';
import { badRequest, GatewayError } from '../errors';
import type { PipelineDeps } from '../pipeline/stage';
import type { ProjectRecord } from '../store/repos/projects-repo';
import type { Retention } from '../store/retention';
import { checkBudgetPatch, checkLimitsPatch } from '../budget/validate';
import { createDashboardModel } from './dashboard-model';
import { createRoutingAdmin } from './routing-admin';
import { checkJudgeSettings } from '../semantic/check-judge';

const SLUG = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const POLICIES = new Set<CachePolicy>(['deterministic', 'always', 'off']);
const MODES = new Set<BudgetMode>(['block', 'downgrade', 'alert']);
const GROUPS = new Set<SpendGroupBy>(['project', 'day', 'user', 'feature', 'model']);
const STRICTNESS = new Set<SemanticStrictness>(['strict', 'balanced', 'loose']);
const EMBEDDER = /^(auto|use-lite|transformers:[\w./-]+|provider:[\w./:-]+)$/;

const notFound = (what: string) => new GatewayError(404, 'not_found_error', 'not_found', `${what} was not found.`);

function checkNumberOrNull(v: unknown, name: string) {
  if (v !== undefined && v !== null && (typeof v !== 'number' || !Number.isFinite(v) || v < 0)) {
    throw badRequest(`${name} must be a non-negative number or null.`, name);
  }
}

function checkProjectFields(p: ProjectPatch) {
  if (p.name !== undefined && (typeof p.name !== 'string' || p.name.length > 200)) throw badRequest('name must be a string of at most 200 characters.', 'name');
  if (p.cachePolicy !== undefined && !POLICIES.has(p.cachePolicy)) throw badRequest('cachePolicy must be deterministic, always or off.', 'cachePolicy');
  if (p.cacheTtlSec !== undefined && (!Number.isInteger(p.cacheTtlSec) || p.cacheTtlSec < 0)) throw badRequest('cacheTtlSec must be a whole number of seconds (0 = never expires).', 'cacheTtlSec');
  if (p.cacheVersion !== undefined && (!Number.isInteger(p.cacheVersion) || p.cacheVersion < 1)) throw badRequest('cacheVersion must be a positive whole number.', 'cacheVersion');
  if (p.budget !== undefined) {
    if (p.budget === null || typeof p.budget !== 'object') throw badRequest('budget must be an object.', 'budget');
    checkNumberOrNull(p.budget.dailyUsd, 'budget.dailyUsd');
    checkNumberOrNull(p.budget.monthlyUsd, 'budget.monthlyUsd');
    if (p.budget.mode !== undefined && !MODES.has(p.budget.mode)) throw badRequest('budget.mode must be block, downgrade or alert.', 'budget.mode');
    checkBudgetPatch(p.budget);
  }
  if (p.limits !== undefined) {
    if (p.limits === null || typeof p.limits !== 'object') throw badRequest('limits must be an object.', 'limits');
    checkNumberOrNull(p.limits.rpm, 'limits.rpm');
    checkNumberOrNull(p.limits.tpm, 'limits.tpm');
    checkNumberOrNull(p.limits.concurrency, 'limits.concurrency');
    checkLimitsPatch(p.limits);
  }
  if (p.keepBodies !== undefined && typeof p.keepBodies !== 'boolean') throw badRequest('keepBodies must be true or false.', 'keepBodies');
  if (p.semantic !== undefined) {
    const s = p.semantic;
    if (s === null || typeof s !== 'object') throw badRequest('semantic must be an object.', 'semantic');
    if (s.enabled !== undefined && typeof s.enabled !== 'boolean') throw badRequest('semantic.enabled must be true or false.', 'semantic.enabled');
    if (s.allowModelDownload !== undefined && typeof s.allowModelDownload !== 'boolean') throw badRequest('semantic.allowModelDownload must be true or false.', 'semantic.allowModelDownload');
    if (s.strictness !== undefined && !STRICTNESS.has(s.strictness)) throw badRequest('semantic.strictness must be strict, balanced or loose.', 'semantic.strictness');
    if (s.embedder !== undefined && (typeof s.embedder !== 'string' || !EMBEDDER.test(s.embedder))) {
      throw badRequest('semantic.embedder must be auto, use-lite, transformers:<model> (e.g. transformers:Xenova/all-MiniLM-L6-v2) or provider:<model> (e.g. provider:text-embedding-3-small).', 'semantic.embedder');
    }
    checkJudgeSettings(s.judge);
  }
}

/** What the admin API does, apart from HTTP (httptoolkit-server's ApiModel habit). */
export interface AdminModelExtras {
  info: () => Omit<Health, 'ok'>;
  /** the gateway's own ports, which no upstream may point at */
  ownPorts: () => number[];
  retention: Retention;
}

export function createAdminModel(deps: PipelineDeps, { info, ownPorts, retention }: AdminModelExtras) {
  /** "everything similar to this text": semantic entries of one project, optionally narrowed by the other filters */
  async function invalidateSimilar(f: CacheInvalidate) {
    if (typeof f.similarTo !== 'string' || !f.similarTo.trim()) throw badRequest('similarTo must be a non-empty string.', 'similarTo');
    if (!f.project) throw badRequest('similarTo needs a project: similarity is measured with that project\'s embedder.', 'project');
    const minSimilarity = f.minSimilarity ?? 0.8;
    if (typeof minSimilarity !== 'number' || minSimilarity < -1 || minSimilarity > 1) throw badRequest('minSimilarity must be a number from -1 to 1.', 'minSimilarity');
    const project = deps.projects.get(f.project);
    if (!project) throw notFound(`Project ${f.project}`);
    let ids = await deps.semantic.findSimilar(project.slug, project.semantic, f.similarTo, minSimilarity);
    const { similarTo: _s, minSimilarity: _m, dryRun: _d, ...rest } = f;
    deps.store.flush();
    const allowed = new Set(deps.cacheRepo.removeMatching(rest, deps.now(), true));
    ids = ids.filter((id) => allowed.has(id));
    if (f.dryRun) return { removed: ids.length, dryRun: true };
    let removed = 0;
    for (const id of ids) removed += deps.exactCache.remove(id);
    deps.semantic.forget(ids);
    deps.events.publish({ type: 'cache', action: 'invalidated', removed });
    return { removed, dryRun: false };
  }

  const withSpend = (p: ProjectRecord, totals: Map<string, { todayUsd: number; monthUsd: number }>): Project =>
    ({ ...p, spend: totals.get(p.slug) ?? { todayUsd: 0, monthUsd: 0 } });
  const totals = () => { deps.store.flush(); return deps.spend.totalsByProject(deps.now()); };

  return {
    ...createDashboardModel(deps),
    ...createRoutingAdmin(deps),
    health: (): Health => ({ ok: true, ...info() }),
    listTraces(q: TraceQuery) { deps.store.flush(); return deps.traces.list(q); },
    exportTraces(q: Omit<TraceQuery, 'limit' | 'cursor'>, format: string | undefined) {
      deps.store.flush();
      return exportTraces(deps.traces, q, format, deps.now());
    },
    getTrace(id: string) {
      deps.store.flush();
      const t = deps.traces.get(id);
      if (!t) throw notFound(`Trace ${id}`);
      return t;
    },
    listProjects() { const t = totals(); return { items: deps.projects.list().map((p) => withSpend(p, t)) }; },
    getProject(slug: string) {
      const p = deps.projects.get(slug);
      if (!p) throw notFound(`Project ${slug}`);
      return withSpend(p, totals());
    },
    createProject(input: ProjectCreate) {
      if (!input || typeof input.slug !== 'string' || !SLUG.test(input.slug)) {
        throw badRequest('slug must be 1-64 characters of a-z, 0-9, ".", "_" or "-", starting with a letter or digit.', 'slug');
      }
      checkProjectFields(input);
      if (deps.projects.get(input.slug)) throw new GatewayError(409, 'invalid_request_error', 'invalid_request', `Project ${input.slug} already exists; PATCH it instead.`);
      const created = deps.projects.create(input);
      if (created.semantic.enabled) deps.semantic.warm(created.slug, created.semantic);
      return withSpend(created, totals());
    },
    patchProject(slug: string, patch: ProjectPatch) {
      if (!patch || typeof patch !== 'object') throw badRequest('The body must be a JSON object.');
      checkProjectFields(patch);
      const p = deps.projects.patch(slug, patch);
      if (!p) throw notFound(`Project ${slug}`);
      if (p.semantic.enabled && patch.semantic) deps.semantic.warm(p.slug, p.semantic);
      if (patch.budget && 'velocityUsdPerMin' in patch.budget) deps.budgets.velocity.reset(slug);
      if (patch.budget && ('dailyUsd' in patch.budget || 'monthlyUsd' in patch.budget || 'timeZone' in patch.budget)) deps.budgets.capsChanged(p);
      return withSpend(p, totals());
    },
    /** spend, holds, remaining budget and next reset of one project */
    getProjectUsage(slug: string): ProjectUsage {
      const p = deps.projects.get(slug);
      if (!p) throw notFound(`Project ${slug}`);
      return deps.budgets.usage(p, deps.limits.stats(slug));
    },
    listCacheEntries(q: CacheEntryQuery) { deps.store.flush(); return deps.cacheRepo.list(q, deps.now()); },
    getCacheEntry(id: string) {
      deps.store.flush();
      const e = deps.cacheRepo.get(id);
      if (!e) throw notFound(`Cache entry ${id}`);
      return { ...e, semantic: deps.semantic.describe(id) };
    },
    /** the requests an entry answered, newest first (the entry may be gone: its traces stay) */
    listCacheEntryHits(id: string, limit: number | undefined) {
      deps.store.flush();
      return { items: deps.traces.listHitsOf(id, Math.min(Math.max(Math.floor(limit ?? 50), 1), 500)) };
    },
    deleteCacheEntry(id: string) {
      const removed = deps.exactCache.remove(id);
      if (removed === 0) throw notFound(`Cache entry ${id}`);
      deps.semantic.forget([id]);
      deps.events.publish({ type: 'cache', action: 'invalidated', removed });
      return { removed };
    },
    invalidateCache(f: CacheInvalidate) {
      if (!f || typeof f !== 'object') throw badRequest('The body must be a JSON object.');
      if (f.olderThanSec !== undefined && (typeof f.olderThanSec !== 'number' || f.olderThanSec < 0)) throw badRequest('olderThanSec must be a non-negative number.', 'olderThanSec');
      for (const k of ['project', 'model', 'tag', 'match'] as const) {
        if (f[k] !== undefined && typeof f[k] !== 'string') throw badRequest(`${k} must be a string.`, k);
      }
      if (f.similarTo !== undefined) return invalidateSimilar(f);
      const removed = deps.exactCache.invalidate(f);
      if (!f.dryRun) deps.events.publish({ type: 'cache', action: 'invalidated', removed });
      if (!f.dryRun && removed > 0) deps.semantic.forgetRemoved();
      return { removed, dryRun: f.dryRun === true };
    },
    semanticStatus: () => deps.semantic.status(),
    reportWrongHit(id: string, body: { similarity?: number } | null) {
      const similarity = body?.similarity;
      if (similarity !== undefined && (typeof similarity !== 'number' || similarity < -1 || similarity > 1)) {
        throw badRequest('similarity must be a number from -1 to 1 (the x-tollgate-similarity of the wrong hit), or left out.', 'similarity');
      }
      const tightened = deps.semantic.reportWrong(id, similarity);
      if (!tightened) throw notFound(`Semantic cache entry ${id}`);
      return { id, ...tightened };
    },
    getSettings(): GatewaySettings { return { retentionDays: retention.days }; },
    patchSettings(patch: Partial<GatewaySettings>): GatewaySettings {
      if (!patch || typeof patch !== 'object') throw badRequest('The body must be a JSON object.');
      if (patch.retentionDays !== undefined) {
        if (!Number.isInteger(patch.retentionDays) || patch.retentionDays < 1 || patch.retentionDays > 3650) {
          throw badRequest('retentionDays must be a whole number of days from 1 to 3650.', 'retentionDays');
        }
        retention.setDays(patch.retentionDays);
        void retention.sweep();
      }
      return { retentionDays: retention.days };
    },
    listProviders() { return { items: deps.providers.list() }; },
    updateProvider(id: string, patch: ProviderUpdate) {
      // validated where the registry of kinds lives
      return deps.providers.update(id, patch, ownPorts());
    },
    removeProvider(id: string) { return deps.providers.remove(id); },
    spend(groupBy: string, filter: { project?: string; from?: string; to?: string }) {
      if (!GROUPS.has(groupBy as SpendGroupBy)) throw badRequest('groupBy must be project, day, user, feature or model.', 'groupBy');
      deps.store.flush();
      return { items: deps.spend.query(groupBy as SpendGroupBy, filter) };
    },
  };
}

export type AdminModel = ReturnType<typeof createAdminModel>;
