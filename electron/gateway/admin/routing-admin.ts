import type { Alias, AliasPut, AliasTarget, RoutingRule } from '../../../shared/api/dto';
import { badRequest, GatewayError } from '../errors';
import type { PipelineDeps } from '../pipeline/stage';
import { modelNotFound, resolveModel } from '../routing/resolve-model';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
const STRATEGIES = new Set<Alias['strategy']>(['ordered', 'weighted', 'least-busy']);
const MAX_TARGETS = 16;

const notFound = (what: string) => new GatewayError(404, 'not_found_error', 'not_found', `${what} was not found.`);

/** A model name must route somewhere today: an alias to nowhere would only fail at request time. */
function checkRoutable(deps: PipelineDeps, model: string, param: string) {
  if (!resolveModel(model, deps.providers, deps.pricing) && !deps.routing.aliases.find(model, null)) {
    const err = modelNotFound(model, deps.providers, deps.pricing, deps.routing.aliases.names());
    throw badRequest(err.message, param, 'model_not_found');
  }
}

function parseTargets(deps: PipelineDeps, body: AliasPut): AliasTarget[] {
  if (!body || typeof body !== 'object' || !Array.isArray(body.targets) || body.targets.length === 0) {
    throw badRequest('targets must be a non-empty array of "provider/model" names (or {"model", "weight"} objects), tried in order.', 'targets');
  }
  if (body.targets.length > MAX_TARGETS) throw badRequest(`An alias has at most ${MAX_TARGETS} targets.`, 'targets');
  return body.targets.map((t, i) => {
    const model = typeof t === 'string' ? t : t && typeof t === 'object' ? t.model : undefined;
    const weight = typeof t === 'object' && t !== null && t.weight !== undefined ? t.weight : 1;
    if (typeof model !== 'string' || model === '') throw badRequest(`targets[${i}] must be a model name or {"model": "...", "weight": n}.`, `targets[${i}]`);
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) throw badRequest(`targets[${i}].weight must be a number ≥ 0.`, `targets[${i}].weight`);
    if (deps.routing.aliases.find(model, null)) throw badRequest(`targets[${i}] "${model}" is an alias itself; list its targets instead.`, `targets[${i}]`);
    checkRoutable(deps, model, `targets[${i}]`);
    return { model, weight };
  });
}

/** Admin operations on aliases and routing rules (routes in admin/routes.ts). */
export function createRoutingAdmin(deps: PipelineDeps) {
  const aliases = deps.routing.aliases;
  const checkProject = (slug: string) => { if (!deps.projects.get(slug)) throw notFound(`Project ${slug}`); };
  const putAlias = (name: string, project: string | null, body: AliasPut): Alias => {
    if (!NAME.test(name)) throw badRequest('An alias name is 1-64 characters of letters, digits, ".", "_", ":" or "-" (no "/": that addresses a provider).', 'name');
    if (project !== null) checkProject(project);
    const targets = parseTargets(deps, body);
    const strategy = body.strategy ?? 'ordered';
    if (!STRATEGIES.has(strategy)) throw badRequest('strategy must be ordered, weighted or least-busy.', 'strategy');
    if (strategy === 'weighted' && !targets.some((t) => t.weight > 0)) throw badRequest('A weighted alias needs at least one target with weight > 0.', 'targets');
    return aliases.put(name, project, targets, strategy);
  };
  const deleteAlias = (name: string, project: string | null) => {
    if (aliases.delete(name, project) === 0) throw notFound(`Alias ${name}`);
    return { removed: 1 };
  };

  return {
    listAliases: (project: string | null = null) => ({ items: aliases.list(project) }),
    putAlias: (name: string, body: AliasPut) => putAlias(name, null, body),
    deleteAlias: (name: string) => deleteAlias(name, null),
    listProjectAliases: (slug: string) => { checkProject(slug); return { items: aliases.list(slug) }; },
    putProjectAlias: (slug: string, name: string, body: AliasPut) => putAlias(name, slug, body),
    deleteProjectAlias: (slug: string, name: string) => deleteAlias(name, slug),
    getRoutingRule(slug: string): RoutingRule {
      checkProject(slug);
      return aliases.rule(slug) ?? { complexity: null };
    },
    putRoutingRule(slug: string, body: RoutingRule): RoutingRule {
      checkProject(slug);
      if (!body || typeof body !== 'object') throw badRequest('The body must be a JSON object like {"complexity": {"cheapModel", "strongModel", "threshold"}}.');
      const c = body.complexity;
      if (c === null || c === undefined) { aliases.putRule(slug, null); return { complexity: null }; }
      if (typeof c !== 'object') throw badRequest('complexity must be an object or null.', 'complexity');
      for (const k of ['cheapModel', 'strongModel'] as const) {
        if (typeof c[k] !== 'string' || c[k] === '') throw badRequest(`complexity.${k} must be a model name or alias.`, `complexity.${k}`);
        if (!aliases.find(c[k], slug)) checkRoutable(deps, c[k], `complexity.${k}`);
      }
      const threshold = c.threshold ?? 0.5;
      if (typeof threshold !== 'number' || !(threshold >= 0 && threshold <= 1)) throw badRequest('complexity.threshold must be a number from 0 to 1.', 'complexity.threshold');
      const appliesTo = c.appliesTo ?? [];
      if (!Array.isArray(appliesTo) || appliesTo.some((m) => typeof m !== 'string')) throw badRequest('complexity.appliesTo must be an array of model names.', 'complexity.appliesTo');
      const rule: RoutingRule = { complexity: { cheapModel: c.cheapModel, strongModel: c.strongModel, threshold, appliesTo } };
      aliases.putRule(slug, rule);
      return rule;
    },
  };
}
