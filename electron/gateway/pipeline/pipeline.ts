import { performance } from 'node:perf_hooks';
import { toGatewayError } from '../errors';
import type { RequestContext } from './context';
import type { PipelineDeps, Stage } from './stage';
import { budget } from './stages/budget';
import { cacheLookup } from './stages/cache-lookup';
import { cacheStore } from './stages/cache-store';
import { dispatch } from './stages/dispatch';
import { ingress } from './stages/ingress';
import { limit } from './stages/limit';
import { meterCost } from './stages/meter-cost';
import { recordTrace } from './stages/record-trace';
import { respond } from './stages/respond';
import { route } from './stages/route';
import { semanticLookup } from './stages/semantic-lookup';
import { semanticStore } from './stages/semantic-store';
import { settle } from './stages/settle';

/**
 * The request pipeline, in order. A stage may answer (ctx.reply) or fail; the rest then skip,
 * except the `always` stages that account for and record every request.
 *
 *  1 ingress       body limit, JSON parse, shape check, project / user / feature / tags
 *  2 cache-lookup  exact cache: memory LRU, then SQLite; a hit answers at once
 *  2b semantic-lookup  after an exact miss: embed the last user turn, nearest cached prompts, verifier decides
 *  2c limit        rate limits (requests, tokens per minute; project, end-user) and concurrency; may queue
 *  3 route         model → provider target and price
 *  3b budget       holds the worst-case cost against the caps; block, downgrade or alert when it does not fit
 *  4 dispatch      upstream call; streams pass through as they arrive
 *  5 meter-cost    usage × price (always)
 *  5b settle       budget hold → real cost, or released when nothing was spent; frees the concurrency slot (always)
 *  6 respond       sends the held answer, hit or error with the x-tollgate-* headers (always)
 *  7 cache-store   stores complete successful answers; counts hits (always)
 *  7b semantic-store  indexes the stored answer's prompt for semantic lookups (always)
 *  8 record-trace  trace + spend rollup in one batched write; live event (always)
 */
export const STAGES: readonly Stage[] = [
  ingress, cacheLookup, semanticLookup, limit, route, budget, dispatch, meterCost, settle, respond, cacheStore, semanticStore, recordTrace,
];

export async function runPipeline(ctx: RequestContext, deps: PipelineDeps): Promise<void> {
  for (const stage of STAGES) {
    const skip = !stage.always && (ctx.reply !== null || ctx.error !== null || ctx.headersSent);
    if (skip) continue;
    const started = performance.now();
    try {
      // most stages are synchronous: awaiting them anyway would cost a promise and a microtask hop each
      const pending = stage.run(ctx, deps);
      if (pending) await pending;
    } catch (err) {
      if (stage.always) deps.log.error('stage failed', { stage: stage.name, traceId: ctx.id, err });
      const error = toGatewayError(err);
      if (error.status === 500) deps.log.error('request failed', { traceId: ctx.id, stage: stage.name, err });
      ctx.error ??= error;
      if (!ctx.headersSent && !stage.always) ctx.reply = { kind: 'error', error };
    }
    ctx.stages.push({ stage: stage.name, ms: Math.round((performance.now() - started) * 1000) / 1000 });
  }
}
