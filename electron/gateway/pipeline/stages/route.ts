import { DEFAULT_PROVIDER } from '../../providers/provider-settings';
import { modelNotFound, resolveModel } from '../../routing/resolve-model';
import { GatewayError } from '../../errors';
import type { RequestContext } from '../context';
import type { PipelineDeps, Stage } from '../stage';

/** Model → ordered provider targets (aliases, provider/model, catalogue); fallbacks and tiers grow here. */
export const route: Stage = {
  name: 'route',
  run(ctx, deps) {
    if (ctx.modelRequested) routeTo(ctx, deps, ctx.modelRequested);
    else routeTo(ctx, deps, null);
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
  const target = resolveModel(model, deps.providers, deps.pricing);
  if (!target) throw modelNotFound(model, deps.providers, deps.pricing);
  ctx.targets = [target];
  ctx.provider = target.provider;
  ctx.modelUsed = target.model;
  ctx.price = target.price;
}
