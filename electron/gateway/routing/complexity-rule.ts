import type { RequestContext } from '../pipeline/context';
import type { PipelineDeps } from '../pipeline/stage';
import { scoreComplexity } from './complexity';

/**
 * The project's cost-aware rule: score the prompt, pick the cheap or the strong model, and note the score
 * and decision for the trace. Returns the model to route to, or null when no rule applies.
 */
export function applyComplexityRule(ctx: RequestContext, deps: PipelineDeps): string | null {
  const rule = deps.routing.rule(ctx.projectSlug)?.complexity;
  if (!rule || !ctx.body || !ctx.modelRequested) return null;
  if (ctx.endpoint !== 'chat.completions' && ctx.endpoint !== 'responses') return null;
  if (rule.appliesTo.length > 0 && !rule.appliesTo.includes(ctx.modelRequested)) return null;
  const { score, signals } = scoreComplexity(ctx.endpoint, ctx.body);
  const tier = score >= rule.threshold ? 'strong' : 'cheap';
  const model = tier === 'strong' ? rule.strongModel : rule.cheapModel;
  if (ctx.routing) ctx.routing.complexity = { score, tier, signals, threshold: rule.threshold, model };
  return model;
}
