import type { IncomingHttpHeaders } from 'node:http';

// hop-by-hop and ours: never forwarded in either direction
const DROP_REQUEST = new Set([
  'host', 'connection', 'keep-alive', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding',
  'upgrade', 'content-length', 'authorization', 'cookie', 'accept-encoding', 'origin', 'referer', 'cache-control',
]);
const DROP_RESPONSE = new Set([
  'connection', 'keep-alive', 'transfer-encoding', 'content-length', 'content-encoding', 'set-cookie', 'trailer',
  'upgrade', 'proxy-authenticate', 'alt-svc', 'server', 'date',
]);

export function buildUpstreamHeaders(client: IncomingHttpHeaders, apiKey: string | null, hop: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(client)) {
    if (value === undefined || DROP_REQUEST.has(name) || name.startsWith('x-tollgate-')) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  if (apiKey) out.authorization = `Bearer ${apiKey}`;
  // identity keeps bytes readable for the SSE parser beside the pipe
  out['accept-encoding'] = 'identity';
  out['x-tollgate-hop'] = hop;
  return out;
}

export function copyResponseHeaders(upstream: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(upstream)) {
    if (value === undefined || DROP_RESPONSE.has(name)) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

const SECRET_HEADER = /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|api-key|openai-api-key|anthropic-api-key)$/i;

/** Headers as a trace keeps them: secrets replaced, never stored. */
export function redactHeaders(headers: IncomingHttpHeaders | Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name] = SECRET_HEADER.test(name) ? '[REDACTED]' : Array.isArray(value) ? value.join(', ') : String(value);
  }
  return out;
}
