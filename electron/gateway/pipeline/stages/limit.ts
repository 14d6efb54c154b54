import type { Endpoint } from '../../../../shared/api/dto';
import { countInputTokens, requestedOutputTokens } from '../../budget/worst-case';
import { resolvePrice } from '../../cost/pricing';
import { hasLimits } from '../../limits/rate-limiter';
import { rateLimited } from '../../limits/refusals';
import type { RequestContext } from '../context';
import type { PipelineDeps, Stage } from '../stage';

const TOKEN_METERED = new Set<Endpoint>(['chat.completions', 'responses', 'embeddings']);

/** What the request counts against tokens/min: its input, counted, plus the output it asks room for. */
function estimateTokens(ctx: RequestContext, deps: PipelineDeps): number {
  if (!ctx.body || !TOKEN_METERED.has(ctx.endpoint)) return 0;
  const model = ctx.modelRequested ?? '';
  const input = countInputTokens(ctx.endpoint, ctx.body, model, resolvePrice(deps.pricing, model));
  return input + (requestedOutputTokens(ctx.endpoint, ctx.body) ?? 0);
}

/**
 * Rate limits and concurrency: admits, waits in the project's queue (when it has one), or refuses with a 429
 * whose retry-after the SDKs honour. Cache hits never get here: they cost the provider nothing.
 */
export const limit: Stage = {
  name: 'limit',
  async run(ctx, deps) {
    const project = ctx.project;
    // listing models costs the provider nothing and SDKs do it on start-up: it does not count
    if (!project || ctx.endpoint === 'models' || !hasLimits(project.limits)) return;
    const l = project.limits;
    const tokens = l.tpm != null || l.perUser?.tpm != null ? estimateTokens(ctx, deps) : 0;
    const req = { project: project.slug, user: ctx.user, limits: l, tokens };
    // a client that leaves while queued gives its place up at once
    const outcome = await deps.limits.acquire(req, (cancel) => {
      if (ctx.cancel.aborted) cancel();
      else ctx.cancel.onAbort = cancel;
    });
    if (ctx.cancel.onAbort) ctx.cancel.onAbort = null;
    if (!outcome.ok) throw rateLimited(req, outcome.denial);
    const admission = outcome.admission;
    Object.assign(ctx.extraHeaders, admission.headers);
    // the buckets are trued up to what the provider says was used; a request that never reached it used nothing
    ctx.releaseLimits = () => admission.release(ctx.usage ? ctx.usage.promptTokens + ctx.usage.completionTokens
      : ctx.upstreamStatus === null && !ctx.clientGone ? 0 : null);
  },
};
