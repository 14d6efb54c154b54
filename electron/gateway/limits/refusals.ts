import { GatewayError } from '../errors';
import type { Denial, LimitRequest } from './rate-limiter';

function who(req: LimitRequest, d: Denial): string {
  return d.scope === 'user' ? `End-user "${req.user}" of project "${req.project}"` : `Project "${req.project}"`;
}

/**
 * 429 rate_limit_exceeded with retry-after / retry-after-ms and x-ratelimit-* in OpenAI's naming, so the
 * SDKs wait exactly as long as needed and retry by themselves. A request that can never fit says so instead.
 */
export function rateLimited(req: LimitRequest, d: Denial): GatewayError {
  const headers = { ...d.headers };
  let message: string;
  if (!Number.isFinite(d.waitMs)) {
    headers['x-should-retry'] = 'false';
    message = `This request counts about ${req.tokens} tokens, more than ${who(req, d)} may use at once under its limit of ${d.limit} tokens per minute. ` +
      'Send less or lower max_tokens, or raise limits.tpm / limits.tpmBurst in Tollgate.';
  } else {
    const waitMs = Math.max(1, d.waitMs);
    headers['retry-after'] = String(Math.max(1, Math.ceil(waitMs / 1000)));
    headers['retry-after-ms'] = String(waitMs);
    const retry = `Retry in ${(waitMs / 1000).toFixed(waitMs < 10_000 ? 2 : 0)} s (retry-after); the OpenAI SDKs do that on their own.`;
    if (d.dimension === 'concurrency') {
      message = `${who(req, d)} already has ${d.limit} request(s) in flight, its concurrency limit${d.queueFull ? ', and its wait queue is full' : ''}. ${retry} ` +
        'Or set limits.queue so requests wait for a free slot.';
    } else {
      const unit = d.dimension === 'requests' ? 'requests' : 'tokens';
      message = `${who(req, d)} is over its rate limit of ${d.limit} ${unit} per minute${d.queueFull ? ' and its wait queue is full' : ''}. ${retry}`;
    }
  }
  return new GatewayError(429, 'rate_limit_error', 'rate_limit_exceeded', message, { headers });
}
