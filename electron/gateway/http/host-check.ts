import type { IncomingMessage } from 'node:http';

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);
// a whole dotted quad: "127.0.0.1.evil.example" is a name an attacker's DNS can rebind, not a loopback address
const LOOPBACK_IPV4 = /^127(\.\d{1,3}){3}$/;

function isLoopbackName(name: string): boolean {
  return LOOPBACK_NAMES.has(name) || LOOPBACK_IPV4.test(name);
}

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
  return isLoopbackName(name) || name === bindHost;
}

/** Browsers send Origin on cross-site requests; only pages served from this machine may call us. */
export function isLoopbackOrigin(origin: string): boolean {
  try {
    const url = new URL(origin);
    return isLoopbackName(url.hostname);
  } catch {
    return false;
  }
}
