import { createReadStream, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.json': 'application/json',
  '.woff2': 'font/woff2', '.map': 'application/json',
};

/** Serves the built dashboard; unknown paths fall back to index.html (client-side routes). Never leaves root. */
export function serveStatic(root: string, urlPath: string, res: ServerResponse): boolean {
  let decoded: string;
  try { decoded = decodeURIComponent(urlPath.split('?')[0]!); } catch { return false; }
  if (decoded.includes('\0')) return false;
  const rel = normalize(decoded).replace(/^([/\\])+/, '');
  const candidate = join(root, rel);
  if (candidate !== root && !candidate.startsWith(root.endsWith(sep) ? root : root + sep)) return false;
  let file = candidate;
  let stat = statSafe(file);
  if (!stat?.isFile()) {
    if (extname(rel)) return false;
    file = join(root, 'index.html');
    stat = statSafe(file);
    if (!stat?.isFile()) return false;
  }
  const isAsset = file.includes(`${sep}assets${sep}`);
  res.writeHead(200, {
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'content-length': stat.size,
    'cache-control': isAsset ? 'public, max-age=31536000, immutable' : 'no-cache',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
  });
  createReadStream(file).pipe(res);
  return true;
}

function statSafe(path: string) {
  try { return statSync(path); } catch { return undefined; }
}
