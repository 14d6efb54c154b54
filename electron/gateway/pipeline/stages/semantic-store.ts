import type { Stage } from '../stage';

/** Indexes the prompt of an answer cache-store just kept (its vector came from the lookup); notes hits. */
export const semanticStore: Stage = {
  name: 'semantic-store',
  always: true,
  run(ctx, deps) {
    const c = ctx.cache;
    if (c.status === 'hit' && c.layer === 'semantic' && c.match) {
      deps.semantic.recordHit(c.match.entryId, c.match.similarity);
      return;
    }
    // the same conditions under which cache-store kept the entry
    if (c.status !== 'miss' || !c.key || c.noStore || !c.semantic || !ctx.project?.semantic.enabled) return;
    if (!ctx.answer || !ctx.answerComplete || ctx.upstreamStatus !== 200 || ctx.error) return;
    deps.semantic.store(c.key, c.semantic);
  },
};
