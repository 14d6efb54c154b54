import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { ErrorType } from '../../../shared/openai/error';
import { GatewayError } from '../errors';
import { redactSecrets } from '../log';

const MAX_ERROR_BODY = 64 * 1024;
const KEEP_HEADERS = /^(retry-after|retry-after-ms|x-ratelimit-.*|x-request-id|x-should-retry)$/;

/** The whole body, up to cap bytes (the rest is read and dropped). Events, not for-await: cheaper per answer. */
export function readCapped(body: Readable, cap: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    body.on('data', (chunk: Buffer) => {
      if (size < cap) chunks.push(chunk);
      size += chunk.length;
    });
    body.once('end', () => {
      const all = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      resolve(all.length > cap ? all.subarray(0, cap) : all);
    });
    body.once('error', reject);
  });
}

/**
 * Upstream 4xx keeps its status (the client's request was at fault) with the provider named;
 * upstream 5xx becomes 502 so it reads as "the provider failed", with the provider's own words inside.
 */
export async function toUpstreamHttpError(
  provider: string, status: number, headers: IncomingHttpHeaders, body: Readable & AsyncIterable<Buffer>,
  readMessage?: (status: number, body: string) => string,
  readCode?: (status: number, body: string) => string | null,
): Promise<GatewayError> {
  const raw = await readCapped(body, MAX_ERROR_BODY).catch(() => Buffer.alloc(0));
  let message = raw.toString('utf8').trim().slice(0, 2000) || `HTTP ${status} with an empty body`;
  let type: string | null = null;
  let code: string | null = null;
  let param: string | null = null;
  try {
    const parsed = JSON.parse(raw.toString('utf8')) as { error?: { message?: unknown; type?: unknown; code?: unknown; param?: unknown } | string };
    const e = parsed.error;
    if (typeof e === 'string') message = e;
    else if (e && typeof e === 'object') {
      if (typeof e.message === 'string') message = e.message;
      if (typeof e.type === 'string') type = e.type;
      if (typeof e.code === 'string') code = e.code;
      if (typeof e.param === 'string') param = e.param;
    }
  } catch { /* not JSON: keep the text */ }
  if (readMessage) message = readMessage(status, raw.toString('utf8')) || message;
  if (readCode) code = readCode(status, raw.toString('utf8')) ?? code;
  // some providers echo the key they were sent; it is ours, and any local page may read this answer
  message = redactSecrets(message);

  const keep: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (KEEP_HEADERS.test(k) && typeof v === 'string') keep[k] = v;

  if (status >= 500) {
    return new GatewayError(502, 'upstream_error', 'upstream_error',
      `${provider} error (HTTP ${status}): ${message}`, { headers: keep });
  }
  const err = new GatewayError(status, (type ?? (status === 429 ? 'rate_limit_error' : 'invalid_request_error')) as ErrorType,
    'upstream_error', `${provider} error: ${message}`, { param, headers: keep });
  // keep the provider's own code (invalid_api_key, model_not_found, ...) so SDK users can branch on it
  (err as { code: string }).code = code ?? (status === 429 ? 'rate_limit_exceeded' : 'upstream_error');
  return err;
}
