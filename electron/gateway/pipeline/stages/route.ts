import { resolvePrice } from '../../cost/pricing';
import { GatewayError } from '../../errors';
import type { RequestContext } from '../context';
import type { PipelineDeps, Stage } from '../stage';

/** Model → provider target. Aliases, fallbacks and cheaper-model rules grow here. */
export const route: Stage = {
  name: 'route',
  run(ctx, deps) {
    if (ctx.modelRequested) routeTo(ctx, deps, ctx.modelRequested);
    else routeTo(ctx, deps, null);
  },
};

/**
 * Points the request at `model` (provider, model used, price). The one entry point for every re-routing
 * (budget downgrade, complexity tier), so all of them resolve names the same way.
 */
export function routeTo(ctx: RequestContext, deps: PipelineDeps, model: string | null): void {
  const provider = deps.providers.get('openai');
  if (!provider) throw new GatewayError(502, 'upstream_error', 'upstream_unavailable', 'No provider is configured for OpenAI.');
  ctx.provider = provider;
  ctx.modelUsed = model;
  ctx.price = model ? resolvePrice(deps.pricing, model) : null;
}
