import { extractPromptText } from '../../cache/prompt-text';
import { toCacheEntry } from '../../store/repos/cache-repo';
import { redactSecrets } from '../../log';
import { redactedRequestText } from '../context';
import type { Stage } from '../stage';

/** Stores complete, successful answers; streams are stored only when they ended properly, never half-way. */
export const cacheStore: Stage = {
  name: 'cache-store',
  always: true,
  run(ctx, deps) {
    const c = ctx.cache;
    if (c.status === 'hit' && c.hit) {
      deps.exactCache.recordHit(c.hit.id, ctx.savedUsd);
      return;
    }
    if (c.status !== 'miss' || !c.key || c.noStore || !ctx.body || !ctx.project) return;
    if (!ctx.answer || !ctx.answerComplete || ctx.upstreamStatus !== 200 || ctx.error) return;
    const now = deps.now();
    const ttl = c.ttlSec ?? ctx.project.cacheTtlSec;
    const body = ctx.reply?.kind === 'json' ? ctx.reply.body : Buffer.from(JSON.stringify(ctx.answer));
    const entry = {
      id: c.key,
      project: ctx.project.slug,
      namespace: c.namespace!,
      endpoint: ctx.endpoint,
      // the name the client asked for: what people filter the cache browser by
      model: ctx.modelRequested ?? ctx.modelUsed ?? '',
      // shown in the cache browser: keys pasted into prompts never reach it (the answer stays byte-exact)
      prompt: redactSecrets(extractPromptText(ctx.endpoint, ctx.body).slice(0, 4000)),
      requestJson: redactedRequestText(ctx)!,
      responseBody: body,
      usageJson: ctx.answer.usage ? JSON.stringify(ctx.answer.usage) : null,
      costUsd: ctx.costUsd,
      tags: [...new Set([...c.tags, ...ctx.tags])],
      createdAt: now,
      expiresAt: ttl > 0 ? now + ttl * 1000 : null,
    };
    deps.exactCache.set(entry);
    deps.events.publish({ type: 'cache', action: 'stored', entry: toCacheEntry(entry) });
  },
};
