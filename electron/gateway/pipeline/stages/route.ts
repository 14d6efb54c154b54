import { resolvePrice } from '../../cost/pricing';
import { GatewayError } from '../../errors';
import type { Stage } from '../stage';

/** Model → provider target. Aliases, fallbacks and cheaper-model rules grow here. */
export const route: Stage = {
  name: 'route',
  run(ctx, deps) {
    const provider = deps.providers.get('openai');
    if (!provider) throw new GatewayError(502, 'upstream_error', 'upstream_unavailable', 'No provider is configured for OpenAI.');
    ctx.provider = provider;
    ctx.modelUsed = ctx.modelRequested;
    ctx.price = ctx.modelUsed ? resolvePrice(deps.pricing, ctx.modelUsed) : null;
  },
};
