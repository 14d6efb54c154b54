import { performance } from 'node:perf_hooks';
import { GatewayError } from '../../errors';
import { toUpstreamError, type UpstreamResponse } from '../../http/upstream-client';
import { buildUpstreamHeaders, copyResponseHeaders } from '../../proxy/forward-headers';
import { ChatStreamAccumulator } from '../../stream/chat-stream';
import { pumpBody } from '../../stream/pump';
import { ResponsesStreamAccumulator } from '../../stream/responses-stream';
import type { ProviderConfig } from '../../providers/provider-settings';
import type { RequestContext } from '../context';
import type { Stage } from '../stage';
import { readCapped, toUpstreamHttpError } from '../upstream-error';
import { writeStandardHeaders } from './respond';

const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

/** The upstream call: streams pass through as they arrive; whole answers are held for the cost header. */
export const dispatch: Stage = {
  name: 'dispatch',
  async run(ctx, deps) {
    const provider = ctx.provider!;
    const body = buildUpstreamBody(ctx);
    const headers = buildUpstreamHeaders(ctx.req.headers, ctx.clientKey ?? provider.apiKey, deps.instanceId);
    if (body !== null) headers['content-length'] = String(Buffer.byteLength(body));
    else if (ctx.req.headers['content-length']) headers['content-length'] = ctx.req.headers['content-length'];
    const suffix = ctx.path.replace(/^\/v1/, '');
    const res = await deps.upstream.send({
      origin: provider.origin,
      path: provider.basePath + suffix,
      method: ctx.method,
      headers,
      body: body ?? (ctx.method === 'GET' || ctx.method === 'HEAD' ? null : ctx.req),
      cancel: ctx.cancel,
    });
    ctx.upstreamStatus = res.status;

    try {
      if (ctx.endpoint === 'passthrough' || ctx.endpoint === 'models') return await pipeRaw(ctx, res);
      if (res.status >= 400) throw await toUpstreamHttpError(provider.id, res.status, res.headers, res.body);
      const contentType = String(res.headers['content-type'] ?? '');
      if (ctx.stream && contentType.includes('text/event-stream')) return await pipeStream(ctx, res);
      return await holdAnswer(ctx, res);
    } catch (err) {
      throw toBrokenBodyError(err, provider);
    }
  },
};

/** The upstream answered, then its body failed: still the provider's fault (or the client's abort), never ours. */
function toBrokenBodyError(err: unknown, provider: ProviderConfig): GatewayError {
  const error = toUpstreamError(err, provider.origin);
  if (error.code !== 'upstream_unavailable') return error;
  const e = err as { code?: string; message?: string };
  return new GatewayError(502, 'upstream_error', 'upstream_error',
    `${provider.id} broke off its answer part-way (${e?.code ?? e?.message ?? 'connection lost'}). Try again; a cut-off answer is never cached.`,
    { cause: err });
}

/** Raw bytes for untouched passthrough; a rewritten body when we must ask upstream for usage. */
function buildUpstreamBody(ctx: RequestContext): Buffer | string | null {
  if (!ctx.body) return null;
  if (ctx.stream && ctx.endpoint === 'chat.completions' && !ctx.clientWantsUsage) {
    const streamOptions = (ctx.body.stream_options ?? {}) as Record<string, unknown>;
    return JSON.stringify({ ...ctx.body, stream_options: { ...streamOptions, include_usage: true } });
  }
  return ctx.rawBody;
}

async function holdAnswer(ctx: RequestContext, res: UpstreamResponse) {
  const raw = await readCapped(res.body, MAX_ANSWER_BYTES);
  let answer: Record<string, unknown>;
  try {
    answer = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new GatewayError(502, 'upstream_error', 'upstream_error',
      `${ctx.provider!.id} sent a response that is not valid JSON (HTTP ${res.status}, ${raw.length} bytes). Try again; if it persists, the provider is misbehaving.`);
  }
  ctx.answer = answer;
  ctx.answerComplete = res.status === 200;
  ctx.responseHeaders = copyResponseHeaders(res.headers);
  ctx.reply = { kind: 'json', status: res.status, headers: ctx.responseHeaders, body: raw };
}

async function pipeStream(ctx: RequestContext, res: UpstreamResponse) {
  const chat = ctx.endpoint === 'chat.completions' ? new ChatStreamAccumulator(!ctx.clientWantsUsage) : null;
  const responses = chat ? null : new ResponsesStreamAccumulator();
  ctx.responseHeaders = copyResponseHeaders(res.headers);
  ctx.status = res.status;
  writeStandardHeaders(ctx, ctx.responseHeaders);
  ctx.res.writeHead(res.status, ctx.responseHeaders);
  ctx.res.flushHeaders();
  ctx.headersSent = true;
  try {
    const push = chat ? (c: Buffer) => chat.push(c) : (c: Buffer) => responses!.push(c);
    await pumpBody(res.body, ctx.res, push, () => { ctx.ttfbMs ??= performance.now() - ctx.t0; });
  } finally {
    // whatever happened, the trace and the cache see what arrived
    if (chat) {
      ctx.answer = chat.toCompletion();
      ctx.answerComplete = chat.complete && chat.malformed === 0;
      ctx.streamedText = chat.text();
      if (chat.usage) ctx.answer.usage = chat.usage;
    } else if (responses) {
      ctx.answer = responses.response;
      ctx.answerComplete = responses.complete && responses.malformed === 0;
      ctx.streamedText = responses.text();
    }
  }
  ctx.res.end();
  const malformed = chat?.malformed ?? responses?.malformed ?? 0;
  if (malformed > 0) ctx.error = new GatewayError(502, 'upstream_error', 'upstream_error', `${malformed} malformed SSE event(s) from the upstream were passed on as they came.`);
  const streamError = chat?.error ?? responses?.error;
  if (streamError) ctx.error = new GatewayError(502, 'upstream_error', 'upstream_error', `The upstream reported an error mid-stream: ${JSON.stringify(streamError).slice(0, 500)}`);
}

/** Other /v1/* routes: status, headers and body as they came. */
async function pipeRaw(ctx: RequestContext, res: UpstreamResponse) {
  ctx.responseHeaders = copyResponseHeaders(res.headers);
  ctx.status = res.status;
  writeStandardHeaders(ctx, ctx.responseHeaders);
  ctx.res.writeHead(res.status, ctx.responseHeaders);
  ctx.headersSent = true;
  await pumpBody(res.body, ctx.res, (chunk) => chunk, () => { ctx.ttfbMs ??= performance.now() - ctx.t0; });
  ctx.res.end();
}
