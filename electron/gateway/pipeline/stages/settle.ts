import { toNanos, toUsd, type Bucket } from '../../budget/ledger';
import type { Stage } from '../stage';

/**
 * Settles the budget hold to the real cost (what was used, even when the client went away), or releases it
 * when nothing was spent; gives back the concurrency slot. Runs for every request, however it ended.
 */
export const settle: Stage = {
  name: 'settle',
  always: true,
  run(ctx, deps) {
    const releaseLimits = ctx.releaseLimits;
    ctx.releaseLimits = null;
    releaseLimits?.();

    const r = ctx.reservation;
    ctx.reservation = null;
    const project = ctx.project;
    if (!project) {
      if (r) deps.budgets.ledger.release(r);
      return;
    }
    const cost = ctx.cache.status === 'hit' ? 0 : ctx.costUsd ?? 0;
    const payer = { project: project.slug, budget: project.budget, user: ctx.user, feature: ctx.feature };
    let touched: Bucket[];
    if (r && toNanos(cost) > r.nanos) {
      // only a provider ignoring max_tokens, or a tokenizer counting short, gets here: the spend is real, so it counts
      deps.log.warn('request cost more than its worst case', { traceId: ctx.id, project: project.slug, costUsd: cost, heldUsd: toUsd(r.nanos) });
    }
    if (r) touched = deps.budgets.ledger.settle(r, cost);
    else touched = deps.budgets.ledger.record(payer, cost, ctx.startedAt);
    if (touched.length > 0) deps.budgets.afterSpend(project.slug, project.budget, touched, cost);
  },
};
