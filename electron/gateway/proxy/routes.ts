import type { Endpoint } from '../../../shared/api/dto';

export interface ProxyRoute {
  /** from /p/<slug>/v1/..., else null */
  project: string | null;
  /** /v1/... with the query string kept */
  path: string;
  endpoint: Endpoint;
}

const PROJECT_PREFIX = /^\/p\/([^/?]+)(\/.*)$/;

/** Maps a URL to an endpoint; null when it is not under /v1 (the proxy answers 404). */
export function matchProxyRoute(method: string, url: string): ProxyRoute | null {
  let project: string | null = null;
  let path = url;
  const m = PROJECT_PREFIX.exec(url);
  if (m) {
    try { project = decodeURIComponent(m[1]!); } catch { project = m[1]!; }
    path = m[2]!;
  }
  const pathname = path.split('?')[0]!.replace(/\/+$/, '');
  if (pathname !== '/v1' && !pathname.startsWith('/v1/')) return null;
  return { project, path, endpoint: toEndpoint(method, pathname) };
}

function toEndpoint(method: string, pathname: string): Endpoint {
  if (method === 'POST') {
    if (pathname === '/v1/chat/completions') return 'chat.completions';
    if (pathname === '/v1/responses') return 'responses';
    if (pathname === '/v1/embeddings') return 'embeddings';
  }
  if (method === 'GET' && pathname === '/v1/models') return 'models';
  return 'passthrough';
}
