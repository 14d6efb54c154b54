import { computeCostUsd, normalizeUsage, resolvePrice } from '../../cost/pricing';
import { estimateTokens, extractPromptText } from '../../cache/prompt-text';
import type { Stage } from '../stage';
import { computeRoutingSavedUsd } from '../../routing/routing-savings';

/**
 * Usage × price. A stream cut short still costs what it used: estimated from what arrived, and marked so; an
 * abandoned plain call costs at least its prompt.
 */
export const meterCost: Stage = {
  name: 'meter-cost',
  always: true,
  run(ctx, deps) {
    if (ctx.cache.status === 'hit') return; // cost 0 and savings were set at lookup
    if (ctx.answer?.usage) ctx.usage = normalizeUsage(ctx.answer.usage);
    if (!ctx.usage && ctx.stream && ctx.body && ctx.streamedText !== null) {
      ctx.usage = {
        promptTokens: estimateTokens(extractPromptText(ctx.endpoint, ctx.body)),
        cachedTokens: 0, cacheWriteTokens: 0,
        completionTokens: estimateTokens(ctx.streamedText), reasoningTokens: 0,
      };
      ctx.usageEstimated = true;
    }
    // A plain call abandoned after it reached the provider: the prompt was read, and is billed, whatever happens to
    // the answer. Counting it (the answer's tokens are unknowable) keeps budgets from undercounting.
    if (!ctx.usage && !ctx.stream && ctx.clientGone && ctx.body && ctx.attempts.length > 0) {
      ctx.usage = {
        promptTokens: estimateTokens(extractPromptText(ctx.endpoint, ctx.body)),
        cachedTokens: 0, cacheWriteTokens: 0, completionTokens: 0, reasoningTokens: 0,
      };
      ctx.usageEstimated = true;
    }
    if (typeof ctx.answer?.model === 'string') ctx.modelUsed = ctx.answer.model;
    // the provider may name a priced snapshot for a name the table does not know (e.g. a "-latest" alias)
    if (!ctx.price && ctx.modelUsed) ctx.price = resolvePrice(deps.pricing, ctx.modelUsed);
    ctx.costUsd = ctx.usage && ctx.price ? computeCostUsd(ctx.price, ctx.usage) : null;
    ctx.routingSavedUsd = computeRoutingSavedUsd(ctx);
  },
};
