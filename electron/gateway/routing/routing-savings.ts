import { computeCostUsd } from '../cost/pricing';
import type { RequestContext } from '../pipeline/context';

/**
 * What the requested model would have cost for the same usage, minus what the model used cost. Null when
 * routing did not change the model or either side is unpriced. Negative when a fallback cost more.
 */
export function computeRoutingSavedUsd(ctx: RequestContext): number | null {
  const base = ctx.routingBaseline;
  if (!base || !base.price || !ctx.price || !ctx.usage || ctx.costUsd === null) return null;
  const used = ctx.attempts.at(-1);
  if (!used || used.outcome !== 'ok' || used.target === base.label) return null;
  return Math.round((computeCostUsd(base.price, ctx.usage) - ctx.costUsd) * 1e10) / 1e10;
}
