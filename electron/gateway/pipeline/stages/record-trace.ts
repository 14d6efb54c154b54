import { performance } from 'node:perf_hooks';
import type { Trace } from '../../../../shared/api/dto';
import { redactSecrets } from '../../log';
import { redactHeaders } from '../../proxy/forward-headers';
import { addJudgeCost } from '../../semantic/llm-judge';
import { redactedRequestText, type RequestContext } from '../context';
import type { Stage } from '../stage';

const MAX_STORED_BODY = 256 * 1024;

function capBody(text: string | null, isRedacted = false): string | null {
  if (text === null) return null;
  const clean = isRedacted ? text : redactSecrets(text);
  return clean.length > MAX_STORED_BODY ? clean.slice(0, MAX_STORED_BODY) + `…[truncated ${clean.length - MAX_STORED_BODY} chars]` : clean;
}

function responseText(ctx: RequestContext): string | null {
  if (ctx.reply?.kind === 'json') return ctx.reply.body.toString('utf8');
  if (ctx.reply?.kind === 'sse') return ctx.cache.hit ? ctx.cache.hit.responseBody.toString('utf8') : null;
  if (ctx.answer) return JSON.stringify(ctx.answer);
  if (ctx.error) return JSON.stringify({ error: { message: ctx.error.message, code: ctx.error.code } });
  return null;
}

export function buildTrace(ctx: RequestContext): Trace {
  const u = ctx.usage;
  return {
    id: ctx.id,
    ts: ctx.startedAt,
    project: ctx.projectSlug,
    endpoint: ctx.endpoint,
    method: ctx.method,
    path: ctx.path.split('?')[0]!,
    modelRequested: ctx.modelRequested,
    modelUsed: ctx.modelUsed,
    provider: ctx.cache.status === 'hit' ? null : ctx.provider?.id ?? null,
    status: ctx.clientGone ? 499 : ctx.status,
    stream: ctx.stream,
    cache: ctx.cache.status,
    cacheLayer: ctx.cache.layer,
    cacheReason: ctx.cache.reason,
    cacheEntryId: ctx.cache.hit?.id ?? (ctx.cache.status === 'miss' ? ctx.cache.key : null),
    latencyMs: round(performance.now() - ctx.t0),
    ttfbMs: ctx.ttfbMs === null ? null : round(ctx.ttfbMs),
    promptTokens: u?.promptTokens ?? null,
    cachedTokens: u?.cachedTokens ?? null,
    completionTokens: u?.completionTokens ?? null,
    reasoningTokens: u?.reasoningTokens ?? null,
    costUsd: addJudgeCost(ctx, ctx.costUsd),
    savedUsd: ctx.savedUsd,
    usageEstimated: ctx.usageEstimated,
    user: ctx.user,
    feature: ctx.feature,
    tags: ctx.tags,
    error: ctx.clientGone ? 'client closed the request' : ctx.error ? `${ctx.error.code}: ${redactSecrets(ctx.error.message)}` : null,
    stages: ctx.stages,
    downgradedFrom: ctx.downgradedFrom,
    attempts: ctx.attempts,
    routing: ctx.routing,
    routingSavedUsd: ctx.routingSavedUsd,
    cacheSimilarity: ctx.cache.similarity,
  };
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

/** Persists the trace and its spend in one batched transaction, then tells the dashboard. */
export const recordTrace: Stage = {
  name: 'record-trace',
  always: true,
  run(ctx, deps) {
    const trace = buildTrace(ctx);
    // a project may keep no bodies (privacy): then none are built, redacted or stored
    const bodies = ctx.project?.keepBodies === false ? null : {
      requestHeaders: redactHeaders(ctx.req.headers),
      responseHeaders: redactHeaders(ctx.res.getHeaders() as Record<string, string>),
      requestBody: capBody(redactedRequestText(ctx), true),
      responseBody: capBody(responseText(ctx)),
      streamedText: capBody(ctx.streamedText),
    };
    deps.store.enqueue(() => {
      deps.traces.insert(trace, bodies, ctx.cache.match);
      deps.spend.add(trace);
    });
    deps.metrics.observe(trace);
    deps.events.publish({ type: 'trace', trace });
    if (trace.costUsd) {
      const totals = deps.spendTracker.add(trace.project, trace.costUsd, trace.ts);
      deps.events.publish({ type: 'spend', project: trace.project, ...totals });
    }
  },
};
