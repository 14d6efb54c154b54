import type { IncomingMessage } from 'node:http';

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

function hostnameOf(hostHeader: string): string {
  if (hostHeader.startsWith('[')) return hostHeader.slice(0, hostHeader.indexOf(']') + 1);
  return hostHeader.split(':')[0]!.toLowerCase();
}

/**
 * DNS-rebinding guard: a page on evil.example that resolves to 127.0.0.1 still sends `Host: evil.example`.
 * Only loopback names (and the bind address, when the user chose another) are answered.
 */
export function isAllowedHost(req: IncomingMessage, bindHost: string): boolean {
  const host = req.headers.host;
  if (!host) return false;
  const name = hostnameOf(host);
  return LOOPBACK_NAMES.has(name) || name.startsWith('127.') || name === bindHost;
}

/** Browsers send Origin on cross-site requests; only pages served from this machine may call us. */
export function isLoopbackOrigin(origin: string): boolean {
  try {
    const url = new URL(origin);
    return LOOPBACK_NAMES.has(url.hostname) || url.hostname.startsWith('127.');
  } catch {
    return false;
  }
}
