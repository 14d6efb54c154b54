import { performance } from 'node:perf_hooks';
import { GatewayError } from '../../errors';
import { toUpstreamError, type UpstreamResponse } from '../../http/upstream-client';
import { buildUpstreamHeaders, copyResponseHeaders } from '../../proxy/forward-headers';
import { ChatStreamAccumulator } from '../../stream/chat-stream';
import { pumpBody } from '../../stream/pump';
import { ResponsesStreamAccumulator } from '../../stream/responses-stream';
import type { ProviderAdapter } from '../../providers/adapter';
import type { ProviderConfig } from '../../providers/provider-settings';
import { runAttempts, type SendAttempt } from '../../routing/attempt-loop';
import { listModels } from '../../routing/list-models';
import { clientKeyFor } from '../../routing/router';
import type { RequestContext } from '../context';
import type { PipelineDeps, Stage } from '../stage';
import { readCapped, toUpstreamHttpError } from '../upstream-error';
import { writeStandardHeaders } from './respond';

const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

/** The upstream call: streams pass through as they arrive; whole answers are held for the cost header. */
export const dispatch: Stage = {
  name: 'dispatch',
  async run(ctx, deps) {
    if (ctx.endpoint === 'models') return listModels(ctx, deps);
    if (ctx.endpoint === 'passthrough' || ctx.targets.length === 0) return dispatchRaw(ctx, deps);
    await runAttempts(ctx, deps, sendToTarget);
  },
};

/** Other /v1/* routes: to the default provider, status, headers and body as they came. */
async function dispatchRaw(ctx: RequestContext, deps: PipelineDeps) {
  const provider = ctx.provider!;
  const headers = buildUpstreamHeaders(ctx.req.headers, clientKeyFor(provider, ctx.clientKey) ?? provider.apiKey, deps.instanceId);
  if (ctx.rawBody !== null) headers['content-length'] = String(ctx.rawBody.length);
  else if (ctx.req.headers['content-length']) headers['content-length'] = ctx.req.headers['content-length'];
  const res = await deps.upstream.send({
    origin: provider.origin,
    path: provider.basePath + ctx.path.replace(/^\/v1/, ''),
    method: ctx.method,
    headers,
    body: ctx.rawBody ?? (ctx.method === 'GET' || ctx.method === 'HEAD' ? null : ctx.req),
    cancel: ctx.cancel,
  });
  ctx.upstreamStatus = res.status;
  try {
    await pipeRaw(ctx, res);
  } catch (err) {
    throw toBrokenBodyError(err, provider);
  }
}

/**
 * One attempt at one target (the key picked by the router): the provider's adapter builds the call, the answer is streamed or held (and
 * translated back to OpenAI's shape when the provider speaks another protocol). Upstream HTTP errors throw.
 */
export const sendToTarget: SendAttempt = async (ctx, deps, target, apiKey, observe) => {
  const provider = target.provider;
  const adapter = provider.adapter;
  if (!adapter.supports(ctx.endpoint)) {
    throw new GatewayError(400, 'invalid_request_error', 'invalid_request',
      `${provider.id} (${provider.kind}) does not serve ${ctx.path.split('?')[0]}. Route this request to a provider that does.`, { param: 'model' });
  }
  ctx.provider = provider;
  ctx.modelUsed = target.model;
  ctx.price = target.price;
  const { body, raw } = buildUpstreamBody(ctx, target.model);
  const call = adapter.buildCall({
    endpoint: ctx.endpoint, body, raw, stream: ctx.stream, provider, apiKey,
    headers: buildUpstreamHeaders(ctx.req.headers, null, deps.instanceId), maxOutput: target.price?.maxOutput ?? null,
  });
  if (call.body !== null) call.headers['content-length'] = String(Buffer.byteLength(call.body));
  const res = await deps.upstream.send({
    origin: provider.origin, path: call.path, method: 'POST', headers: call.headers, body: call.body, cancel: ctx.cancel,
  });
  ctx.upstreamStatus = res.status;
  observe(res.headers, res.status);
  if (res.status >= 400) {
    throw await toUpstreamHttpError(provider.id, res.status, res.headers, res.body, adapter.readErrorMessage?.bind(adapter), adapter.readErrorCode?.bind(adapter));
  }
  try {
    const contentType = String(res.headers['content-type'] ?? '');
    if (ctx.stream && contentType.includes('text/event-stream')) return await pipeStream(ctx, res, adapter, target.model);
    return await holdAnswer(ctx, res, adapter, target.model);
  } catch (err) {
    throw toBrokenBodyError(err, provider);
  }
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

/** The client's own bytes when nothing changes (the hot path); a rewritten body for another model name or usage. */
function buildUpstreamBody(ctx: RequestContext, model: string): { body: Record<string, unknown>; raw: Buffer | null } {
  const body = ctx.body!;
  const needUsage = ctx.stream && ctx.endpoint === 'chat.completions' && !ctx.clientWantsUsage;
  if (!needUsage && body.model === model) return { body, raw: ctx.rawBody };
  const out: Record<string, unknown> = { ...body, model };
  if (needUsage) out.stream_options = { ...(body.stream_options ?? {}) as Record<string, unknown>, include_usage: true };
  return { body: out, raw: null };
}

async function holdAnswer(ctx: RequestContext, res: UpstreamResponse, adapter: ProviderAdapter, model: string) {
  let raw = await readCapped(res.body, MAX_ANSWER_BYTES);
  let answer: Record<string, unknown>;
  try {
    answer = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new GatewayError(502, 'upstream_error', 'upstream_error',
      `${ctx.provider!.id} sent a response that is not valid JSON (HTTP ${res.status}, ${raw.length} bytes). Try again; if it persists, the provider is misbehaving.`);
  }
  if (adapter.translateAnswer) {
    answer = adapter.translateAnswer(answer, model);
    raw = Buffer.from(JSON.stringify(answer));
  }
  ctx.answer = answer;
  ctx.answerComplete = res.status === 200;
  ctx.responseHeaders = copyResponseHeaders(res.headers);
  if (adapter.translateAnswer) ctx.responseHeaders['content-type'] = 'application/json';
  ctx.reply = { kind: 'json', status: res.status, headers: ctx.responseHeaders, body: raw };
}

async function pipeStream(ctx: RequestContext, res: UpstreamResponse, adapter: ProviderAdapter, model: string) {
  const chat = ctx.endpoint === 'chat.completions' ? new ChatStreamAccumulator(!ctx.clientWantsUsage) : null;
  const responses = chat ? null : new ResponsesStreamAccumulator();
  const translator = adapter.createStreamTranslator?.({ requestedModel: model, includeUsage: true }) ?? null;
  ctx.responseHeaders = copyResponseHeaders(res.headers);
  ctx.status = res.status;
  writeStandardHeaders(ctx, ctx.responseHeaders);
  ctx.res.writeHead(res.status, ctx.responseHeaders);
  // When the first bytes came in with the upstream's headers, ours ride with that first chunk: one socket write
  // instead of two (a separate header write was ~5% of the gateway's CPU on streams). Otherwise they go at once,
  // so a client waiting on a slow first token still sees the 200 right away.
  if (translator || res.body.readableLength === 0) ctx.res.flushHeaders();
  ctx.headersSent = true;
  const read = chat ? (c: Buffer) => chat.push(c) : (c: Buffer) => responses!.push(c);
  try {
    const push = translator ? (c: Buffer) => {
      const text = translator.push(c);
      return text ? read(Buffer.from(text)) : '';
    } : read;
    await pumpBody(res.body, ctx.res, push, () => { ctx.ttfbMs ??= performance.now() - ctx.t0; });
    if (translator) {
      const tail = translator.finish();
      if (tail) ctx.res.write(read(Buffer.from(tail)));
    }
  } finally {
    // whatever happened, the trace and the cache see what arrived
    if (chat) {
      ctx.answer = chat.toCompletion();
      ctx.answerComplete = chat.complete && chat.malformed === 0 && !translator?.malformed;
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
  if (translator?.malformed) ctx.error = new GatewayError(502, 'upstream_error', 'upstream_error', `${translator.malformed} unreadable SSE event(s) from ${ctx.provider!.id} could not be translated and were skipped.`);
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
