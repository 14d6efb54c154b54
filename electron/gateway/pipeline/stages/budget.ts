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
    if (!ledger.hasCaps(payer)) return; // uncapped: settle still records what it cost
    const worst = worstCaseUsd(ctx);
    if (worst === null) return; // unpriced (e.g. a local model): it cannot spend money
    const held = ledger.tryReserve(payer, worst, b.mode === 'alert');
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

/** The dearest worst case over the targets the request may go to (fallbacks included); null when none is priced. */
function worstCaseUsd(ctx: RequestContext): number | null {
  const targets = ctx.targets.length > 0 ? ctx.targets : [{ model: ctx.modelUsed ?? '', price: ctx.price }];
  let worst: number | null = null;
  for (const t of targets) {
    if (!t.price) continue;
    const usd = computeWorstCase(ctx.endpoint, ctx.body!, t.model, t.price).usd;
    worst = worst === null ? usd : Math.max(worst, usd);
  }
  return worst;
}

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
  const worst = worstCaseUsd(ctx);
  if (worst === null) return; // an unpriced (local) model is never held back by a money cap
  const held = deps.budgets.ledger.tryReserve(payer, worst);
  if (!held.reservation) throw budgetExceeded(held.refusal, ` Even the downgrade model ${model} does not fit.`);
  ctx.reservation = held.reservation;
}
