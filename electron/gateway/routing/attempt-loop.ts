import type { IncomingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { TraceAttempt } from '../../../shared/api/dto';
import { GatewayError, toGatewayError } from '../errors';
import { redactSecrets } from '../log';
import type { RequestContext } from '../pipeline/context';
import type { PipelineDeps } from '../pipeline/stage';
import { findCloseNames } from './close-names';
import { listKnownNames, type RouteTarget } from './resolve-model';
import { backoffMs, classifyFailure, readClientBudgetMs, readRetryAfterMs } from './retry-policy';

/** Sends one attempt; `observe` sees the upstream's status and headers (for pacing) whatever the outcome. */
export type SendAttempt = (ctx: RequestContext, deps: PipelineDeps, target: RouteTarget, apiKey: string | null,
  observe: (headers: IncomingHttpHeaders, status: number) => void) => Promise<void>;

interface Failure { target: RouteTarget; error: GatewayError; status: number | null }

const clientGone = () => new GatewayError(499, 'invalid_request_error', 'invalid_request', 'The client closed the request.');

/** Rough token count of a call for the pacer's tokens-per-minute window: prompt bytes / 4 plus the output cap. */
function estimateCallTokens(ctx: RequestContext): number {
  const body = ctx.body;
  const out = Number(body?.max_completion_tokens ?? body?.max_tokens ?? body?.max_output_tokens ?? 0);
  return Math.ceil((ctx.rawBody?.length ?? 0) / 4) + (Number.isFinite(out) ? out : 0);
}

/**
 * Tries the request's targets in order. Per target: pace to its key's quota, send, and on a retryable failure
 * (429, 5xx, reset, timeout) back off (the provider's retry-after, else exponential with jitter) and retry while
 * the client's deadline allows; then fall through to the next target. A request the provider rejects as
 * malformed is not retried; a stream is never retried once bytes reached the client. Every attempt is traced.
 */
export async function runAttempts(ctx: RequestContext, deps: PipelineDeps, send: SendAttempt): Promise<void> {
  const r = deps.routing;
  const deadline = Date.now() + readClientBudgetMs(ctx.req.headers, r.retry);
  const tokens = estimateCallTokens(ctx);
  const failures: Failure[] = [];
  const cooled: string[] = [];

  for (const target of ctx.targets) {
    const label = target.label;
    if (!r.breakers.allow(label)) {
      cooled.push(label);
      ctx.routing?.cooledDown.push(label);
      continue;
    }
    // the breaker hears once per request: success, or a failure after the retries; anything else (the
    // client's own error, the client leaving, a rate limit) hands a half-open probe back untouched
    let verdict: 'ok' | 'failed' | 'neutral' = 'neutral';
    try {
      verdict = await tryTarget(ctx, deps, send, target, deadline, tokens, failures);
    } finally {
      if (verdict === 'ok') r.breakers.onSuccess(label);
      else if (verdict === 'failed') r.breakers.onFailure(label);
      else r.breakers.onAbandon(label);
    }
    if (verdict === 'ok') return;
  }
  const last = ctx.attempts.at(-1);
  if (last && last.outcome === 'fallback') last.outcome = 'failed';
  throw combineFailures(ctx, deps, failures, cooled);
}

/** Attempts at one target until it answers, fails for good, or the request must stop (then it throws). */
async function tryTarget(ctx: RequestContext, deps: PipelineDeps, send: SendAttempt, target: RouteTarget, deadline: number,
  tokens: number, failures: Failure[]): Promise<'ok' | 'failed' | 'neutral'> {
  const r = deps.routing;
  const label = target.label;
  for (let attempt = 0; ; attempt++) {
    const key = r.pickKey(target.provider, ctx.clientKey, target.model);
    // providers rate-limit per key and model (OpenAI's x-ratelimit-* are per model)
    const quota = `${key.id}:${target.model}`;
    // the common case takes its slot synchronously: no promise when nothing has to wait
    const paced = !r.isPacing || r.pacer.tryTake(quota, tokens) ? 0 : await r.pacer.acquire(quota, tokens, deadline, ctx.cancel);
    if (paced === false) throw clientGone();
    const started = performance.now();
    const record: TraceAttempt = { target: label, provider: target.provider.id, status: null, error: null, ms: 0, waitMs: paced > 0 ? paced : null, outcome: 'ok' };
    ctx.attempts.push(record);
    ctx.upstreamStatus = null;
    r.begin(label, key.id);
    try {
      await send(ctx, deps, target, key.value, (headers, status) => { if (r.isPacing) r.pacer.observe(quota, headers, status); });
      record.status = ctx.upstreamStatus;
      record.ms = round(performance.now() - started);
      return 'ok';
    } catch (err) {
      const error = toGatewayError(err);
      const status = ctx.upstreamStatus;
      record.status = status;
      record.ms = round(performance.now() - started);
      record.error = redactSecrets(error.message).slice(0, 500);
      const verdict = ctx.headersSent || ctx.clientGone ? 'stop' : classifyFailure(error, status);
      if (verdict === 'stop') {
        record.outcome = 'failed';
        // a provider failing mid-answer still counts against it
        if (status !== null && status >= 500) r.breakers.onFailure(label);
        throw error;
      }
      if (verdict === 'retry' && attempt < r.retry.maxRetries && r.breakers.stateOf(label) === 'closed') {
        const wait = retryWait(ctx, deps, target, quota, error, attempt);
        if (Date.now() + wait <= deadline) {
          record.outcome = 'retry';
          record.waitMs = wait;
          if (wait > 0 && !(await r.sleep(wait, ctx.cancel))) throw clientGone();
          continue;
        }
      }
      record.outcome = 'fallback';
      failures.push({ target, error, status });
      // the breaker counts requests a target failed (after its retries), not single attempts; a rate limit is
      // no sign of ill health (pacing deals with it)
      return status === 429 ? 'neutral' : 'failed';
    } finally {
      r.end(label, key.id);
    }
  }
}

/**
 * The provider's retry-after, else backoff; nothing when another key of the same provider has room now.
 * Waits and deadlines use the real clock (they are real sleeps); deps.now drives breaker cooldowns.
 */
function retryWait(ctx: RequestContext, deps: PipelineDeps, target: RouteTarget, quota: string, error: GatewayError, attempt: number): number {
  const r = deps.routing;
  const other = r.pickKey(target.provider, ctx.clientKey, target.model);
  const otherQuota = `${other.id}:${target.model}`;
  if (otherQuota !== quota && r.pacer.delayFor(otherQuota, 1) === 0 && ctx.upstreamStatus === 429) return 0;
  return readRetryAfterMs(error.headers, Date.now()) ?? backoffMs(attempt, r.retry, r.random);
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

/** The provider does not know the model: say which names the gateway could route instead. */
function withCloseNames(err: GatewayError, model: string, deps: PipelineDeps): GatewayError {
  const close = findCloseNames(model, listKnownNames(deps.providers, deps.pricing, deps.routing.aliases.names()).filter((n) => !n.endsWith('/…')));
  if (close.length === 0) return err;
  return new GatewayError(404, err.type, 'model_not_found', `${err.message} Did you mean ${close.map((c) => `"${c}"`).join(', ')}?`,
    { param: 'model', headers: err.headers });
}

/**
 * One target that failed: its own error, as before routing existed (status, code, retry-after kept).
 * Several: 429 when every one was rate limited, else 502 naming each provider's message.
 */
function combineFailures(ctx: RequestContext, deps: PipelineDeps, failures: Failure[], cooled: string[]): GatewayError {
  const cooldownLeft = cooled.length ? Math.min(...cooled.map((c) => deps.routing.breakers.cooldownLeft(c))) : 0;
  if (failures.length === 0) {
    const sec = Math.max(1, Math.ceil(cooldownLeft / 1000));
    return new GatewayError(503, 'upstream_error', 'upstream_unavailable',
      `Every target for "${ctx.modelRequested}" is cooling down after repeated failures (${cooled.join(', ')}); ` +
      `Tollgate probes again in ${sec}s. Retry then, or add a fallback target to the alias.`,
      { headers: { 'retry-after': String(sec) } });
  }
  if (failures.length === 1 && cooled.length === 0) {
    const only = failures[0]!.error;
    return only.code === 'model_not_found' && ctx.modelRequested ? withCloseNames(only, ctx.modelRequested, deps) : only;
  }
  const lines = failures.map((f) => `${f.target.label}: ${f.error.message}`);
  for (const c of cooled) lines.push(`${c}: skipped, cooling down after repeated failures`);
  if (failures.every((f) => f.status === 429)) {
    const waits = failures.map((f) => readRetryAfterMs(f.error.headers, Date.now())).filter((w): w is number => w !== null);
    const sec = waits.length ? Math.max(1, Math.ceil(Math.min(...waits) / 1000)) : 1;
    return new GatewayError(429, 'rate_limit_error', 'rate_limit_exceeded',
      `Every target for "${ctx.modelRequested}" is rate limited. ${lines.join(' | ')}`, { headers: { 'retry-after': String(sec) } });
  }
  return new GatewayError(502, 'upstream_error', 'upstream_error',
    `All ${failures.length + cooled.length} targets for "${ctx.modelRequested}" failed. ${lines.join(' | ')}`);
}
