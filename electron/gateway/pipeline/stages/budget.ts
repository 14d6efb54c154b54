import type { Endpoint } from '../../../../shared/api/dto';
import { HEADERS } from '../../../../shared/headers';
import type { Payer } from '../../budget/ledger';
import { budgetExceeded, velocityExceeded } from '../../budget/refusals';
import { computeWorstCase } from '../../budget/worst-case';
import { redactedRequestText, type RequestContext } from '../context';
import type { PipelineDeps, Stage } from '../stage';
import { routeTo } from './route';

/** endpoints whose cost the pricing table knows; anything else is never held back by a money cap */
const METERED = new Set<Endpoint>(['chat.completions', 'responses', 'embeddings']);

/**
 * Holds the request's worst-case cost against every cap that applies before it goes upstream, so no
 * concurrency can overrun a cap. When it does not fit: block (429), downgrade (a cheaper model) or alert.
 */
export const budget: Stage = {
  name: 'budget',
  run(ctx, deps) {
    const project = ctx.project;
    if (!project || !ctx.body || !METERED.has(ctx.endpoint)) return;
    const b = project.budget;
    const { ledger, velocity } = deps.budgets;
    const until = velocity.trippedUntil(project.slug);
    if (until !== null && b.velocityUsdPerMin != null) throw velocityExceeded(project.slug, b.velocityUsdPerMin, until, deps.now());

    const payer: Payer = { project: project.slug, budget: b, user: ctx.user, feature: ctx.feature };
    // unpriced (e.g. a local model) or uncapped: nothing to hold; settle still records what it cost
    if (!ctx.price || !ctx.modelUsed || !ledger.hasCaps(payer)) return;
    const worst = computeWorstCase(ctx.endpoint, ctx.body, ctx.modelUsed, ctx.price);
    const held = ledger.tryReserve(payer, worst.usd, b.mode === 'alert');
    if (held.reservation) {
      ctx.reservation = held.reservation;
      return;
    }
    const refusal = held.refusal;
    // the cap is used up (not merely smaller than this one request): that is the 100 % alert
    if (refusal.requestUsd <= refusal.capUsd) deps.budgets.capReached(b, [refusal.bucket]);
    if (b.mode === 'downgrade' && b.downgradeModel && b.downgradeModel !== ctx.modelUsed) {
      downgrade(ctx, deps, payer, b.downgradeModel);
      return;
    }
    const note = b.mode === 'downgrade' && !b.downgradeModel ? ' The project is in downgrade mode but has no budget.downgradeModel set.' : '';
    throw budgetExceeded(refusal, note);
  },
};

/** Re-routes to the project's cheaper model and holds that model's worst case instead. */
function downgrade(ctx: RequestContext, deps: PipelineDeps, payer: Payer, target: string) {
  const from = ctx.modelRequested ?? ctx.modelUsed!;
  redactedRequestText(ctx); // the trace keeps the request as the client sent it
  routeTo(ctx, deps, target);
  const model = ctx.modelUsed ?? target;
  ctx.body = { ...ctx.body, model };
  ctx.rawBody = Buffer.from(JSON.stringify(ctx.body));
  ctx.downgradedFrom = from;
  ctx.extraHeaders[HEADERS.DOWNGRADED_FROM] = from;
  // the cheaper answer must not be served later to someone asking for the model they named
  ctx.cache.status = 'bypass';
  ctx.cache.reason = `budget downgrade from ${from} to ${model}: not cached`;
  if (!ctx.price) return; // an unpriced (local) model is never held back by a money cap
  const worst = computeWorstCase(ctx.endpoint, ctx.body, model, ctx.price);
  const held = deps.budgets.ledger.tryReserve(payer, worst.usd);
  if (!held.reservation) throw budgetExceeded(held.refusal, ` Even the downgrade model ${model} does not fit.`);
  ctx.reservation = held.reservation;
}
