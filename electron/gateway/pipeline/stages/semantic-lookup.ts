import { HEADERS } from '../../../../shared/headers';
import type { Stage } from '../stage';
import { answerFromEntry, failIfOnly } from './cache-lookup';

/**
 * Semantic lookup, after an exact miss: the last user turn is embedded (worker thread) and compared with
 * cached prompts of the very same context; the learned verifier decides whether a candidate means the same.
 * A candidate just short of the threshold goes to the project's LLM judge, when it has one.
 */
export const semanticLookup: Stage = {
  name: 'semantic-lookup',
  async run(ctx, deps) {
    const c = ctx.cache;
    const project = ctx.project;
    if (!project?.semantic.enabled || c.status !== 'miss' || !c.namespace || !ctx.body) return;
    if (c.directive === 'refresh') return;
    let result;
    try {
      result = await deps.semantic.lookup({
        project: project.slug, settings: project.semantic, namespace: c.namespace, endpoint: ctx.endpoint, body: ctx.body,
      });
    } catch (err) {
      // a missing model or a failed provider call costs the cache its semantic layer, never the request
      deps.log.warn('semantic lookup failed', { project: project.slug, traceId: ctx.id, err });
      c.reason = `semantic layer unavailable: ${(err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').slice(0, 300)}`;
      return failIfOnly(ctx);
    }
    c.semantic = result.prepared;
    if (!result.hit) {
      c.reason = `semantic: ${result.reason}`;
      const borderline = result.borderline;
      if (borderline && result.prepared && project.semantic.judge) {
        const outcome = await deps.judge.decide(ctx, deps, borderline, result.prepared.text);
        c.judge = outcome;
        ctx.extraHeaders[HEADERS.CACHE_JUDGE] = outcome.verdict;
        // kept on a miss too, so the trace shows what was judged and what it cost
        c.match = project.keepBodies === false ? { ...borderline.match, judge: outcome } : { ...borderline.match, query: result.prepared.text, judge: outcome };
        if (outcome.verdict === 'yes') {
          answerFromEntry(ctx, borderline.entry, 'semantic');
          c.similarity = borderline.match.similarity;
          c.reason = null;
          return;
        }
        const said = outcome.verdict === 'no' ? 'said NO' : `gave no verdict (${outcome.verdict})`;
        c.reason = `semantic: nearest cached prompt was borderline (verifier ${borderline.match.probability.toFixed(3)}, `
          + `needs ${borderline.match.threshold.toFixed(3)}); the judge ${said}`;
      }
      return failIfOnly(ctx);
    }
    answerFromEntry(ctx, result.entry, 'semantic');
    c.similarity = result.match.similarity;
    // the asking prompt goes into the trace only where the project keeps prompts at all
    c.match = project.keepBodies === false ? result.match : { ...result.match, query: result.prepared.text };
  },
};
