import { DEFAULT_PROVIDER } from '../../providers/provider-settings';
import { applyComplexityRule } from '../../routing/complexity-rule';
import { GatewayError } from '../../errors';
import type { RequestContext } from '../context';
import type { PipelineDeps, Stage } from '../stage';

/**
 * Model → ordered provider targets: the project's complexity rule may pick a tier first, then an alias
 * (project, then global), `provider/model`, or a bare name through the catalogue.
 */
export const route: Stage = {
  name: 'route',
  run(ctx, deps) {
    if (!ctx.modelRequested || ctx.endpoint === 'passthrough' || ctx.endpoint === 'models') return routeTo(ctx, deps, null);
    routeTo(ctx, deps, ctx.modelRequested);
    // what the requested name would have used: the yardstick for what routing saved
    ctx.routingBaseline = ctx.targets[0] ?? null;
    const tier = applyComplexityRule(ctx, deps);
    if (tier !== null && tier !== ctx.modelRequested) {
      const complexity = ctx.routing!.complexity;
      routeTo(ctx, deps, tier);
      ctx.routing!.complexity = complexity;
    }
  },
};

/**
 * Points the request at `model` (targets, provider, model used, price). The one entry point for every
 * re-routing (budget downgrade, complexity tier), so all of them resolve names the same way.
 */
export function routeTo(ctx: RequestContext, deps: PipelineDeps, model: string | null): void {
  if (model === null) {
    const provider = deps.providers.get(DEFAULT_PROVIDER);
    if (!provider) throw new GatewayError(502, 'upstream_error', 'upstream_unavailable', 'No provider is configured for OpenAI.');
    ctx.provider = provider;
    ctx.modelUsed = null;
    ctx.price = null;
    ctx.targets = [];
    return;
  }
  const plan = deps.routing.plan(deps, model, ctx.projectSlug);
  const first = plan.targets[0]!;
  ctx.targets = plan.targets;
  ctx.routing = plan.decision;
  ctx.provider = first.provider;
  ctx.modelUsed = first.model;
  ctx.price = first.price;
}
