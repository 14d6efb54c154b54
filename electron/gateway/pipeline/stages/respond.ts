import { performance } from 'node:perf_hooks';
import { HEADERS } from '../../../../shared/headers';
import { toOpenAIErrorBody } from '../../errors';
import { addJudgeCost } from '../../semantic/llm-judge';
import type { RequestContext } from '../context';
import type { Stage } from '../stage';

/** Plain decimal (never 1e-7 notation), so any client can read it. */
export function formatHeaderUsd(usd: number): string {
  return usd.toFixed(10).replace(/\.?0+$/, '') || '0';
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * Header values must be Latin-1 without control characters, or Node refuses the whole response. A reason can quote
 * a provider's error or a prompt's words: it is spelled in ASCII, whatever it says.
 */
export function toHeaderText(text: string): string {
  if (PRINTABLE_ASCII.test(text)) return text; // nearly every value: skip the rewriting on the hot path
  return text.normalize('NFKD').replace(/≥/g, '>=').replace(/≤/g, '<=').replace(/[‘’]/g, "'").replace(/[“”]/g, '"')
    .replace(/[–—]/g, '-').replace(/[\u0300-\u036f]/g, '').replace(/[^\x20-\x7e]/g, '?');
}

/** Every answer says what happened to it, whichever stage produced it. */
export function writeStandardHeaders(ctx: RequestContext, headers: Record<string, string>) {
  headers[HEADERS.TRACE_ID] = ctx.id;
  // the slug comes from the client and may be invalid (that is the 400); a header must still be writable
  headers[HEADERS.PROJECT] = /^[\x21-\x7e]*$/.test(ctx.projectSlug) ? ctx.projectSlug : encodeURIComponent(ctx.projectSlug);
  headers[HEADERS.CACHE] = ctx.cache.status;
  if (ctx.cache.layer) headers[HEADERS.CACHE_LAYER] = ctx.cache.layer;
  if (ctx.cache.reason) headers[HEADERS.CACHE_REASON] = toHeaderText(ctx.cache.reason);
  if (ctx.cache.similarity !== null) headers[HEADERS.SIMILARITY] = ctx.cache.similarity.toFixed(4);
  if (ctx.provider) headers[HEADERS.PROVIDER] = ctx.provider.id;
  // e.g. x-tollgate-downgraded-from carries the model name the client sent
  for (const name in ctx.extraHeaders) headers[name] = toHeaderText(ctx.extraHeaders[name]!);
}

/** Sends the reply a stage left (whole answers, cache hits, errors); streams have already gone out. */
export const respond: Stage = {
  name: 'respond',
  always: true,
  run(ctx) {
    if (ctx.clientGone) return;
    if (ctx.headersSent) {
      if (!ctx.error || ctx.res.writableEnded) return;
      // an SSE client can read one last error event; any other body can only be cut short
      if (ctx.stream && ctx.endpoint !== 'passthrough') writeStreamError(ctx);
      else ctx.res.destroy();
      return;
    }
    const reply = ctx.reply;
    if (!reply) return;
    let status: number;
    let headers: Record<string, string>;
    let body: Buffer | string;
    if (reply.kind === 'error') {
      status = reply.error.status;
      headers = { ...reply.error.headers, 'content-type': 'application/json' };
      body = JSON.stringify(toOpenAIErrorBody(reply.error));
    } else {
      status = reply.status;
      headers = reply.headers;
      body = reply.body;
      // the cost a client sees includes the LLM judge's call, if one was asked (a judged hit costs just that)
      const costUsd = addJudgeCost(ctx, ctx.costUsd);
      if (costUsd !== null && ctx.upstreamStatus !== null && status < 400) headers[HEADERS.COST_USD] = formatHeaderUsd(costUsd);
      if (ctx.cache.status === 'hit') {
        headers[HEADERS.COST_USD] = formatHeaderUsd(costUsd ?? 0);
        headers[HEADERS.SAVED_USD] = formatHeaderUsd(ctx.savedUsd);
      }
    }
    writeStandardHeaders(ctx, headers);
    headers['content-length'] = String(Buffer.byteLength(body));
    ctx.status = status;
    ctx.res.writeHead(status, headers);
    ctx.res.end(body);
    ctx.headersSent = true;
    ctx.ttfbMs ??= performance.now() - ctx.t0;
  },
};

/** Once SSE headers are out, a failure can only be told as one last error event. */
function writeStreamError(ctx: RequestContext) {
  const err = ctx.error!;
  try {
    ctx.res.end(`data: ${JSON.stringify(toOpenAIErrorBody(err))}\n\n`);
  } catch {
    ctx.res.destroy();
  }
}
