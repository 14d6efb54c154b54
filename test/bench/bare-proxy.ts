/**
 * The floor for any Node proxy: node:http in, one upstream client out, status + headers + body piped,
 * nothing else (no parsing, no cache, no traces). Two upstream clients, to compare them on the hot path:
 *   --client undici    undici Agent.request (the gateway's client, same Agent settings)
 *   --client nodehttp  node:http request with a keep-alive http.Agent
 * Usage: node --import tsx test/bench/bare-proxy.ts --client undici --upstream http://127.0.0.1:PORT
 * Prints `READY http://127.0.0.1:<port>`.
 */
import { Agent as HttpAgent, createServer, request as httpRequest, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream';
import { parseArgs } from 'node:util';
import { Agent, type Dispatcher } from 'undici';

const { values } = parseArgs({ options: { client: { type: 'string' }, upstream: { type: 'string' }, port: { type: 'string' } } });
const client = values.client;
if (client !== 'undici' && client !== 'nodehttp') throw new Error('--client must be undici or nodehttp');
const upstream = new URL(values.upstream ?? 'http://127.0.0.1:1');

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'host']);

function forwardable(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  return out;
}

function fail(res: ServerResponse, err: unknown) {
  if (res.headersSent) { res.destroy(); return; }
  const body = JSON.stringify({ error: { message: `bare proxy: ${(err as Error).message}`, type: 'upstream_error' } });
  res.writeHead(502, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

const ignore = () => undefined;

// Same settings as electron/gateway/http/upstream-client.ts, so the comparison is about the client, not tuning.
const undiciAgent = new Agent({ connections: 256, pipelining: 1, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 120_000 });
const httpAgent = new HttpAgent({ keepAlive: true, keepAliveMsecs: 30_000, maxSockets: 256, scheduling: 'lifo' });

const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
  const method = req.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD';
  const headers = forwardable(req.headers);
  if (client === 'undici') {
    undiciAgent.request({
      origin: upstream.origin, path: req.url ?? '/', method: method as Dispatcher.HttpMethod,
      headers: headers as Record<string, string>, body: hasBody ? req : null,
    }).then((up) => {
      res.writeHead(up.statusCode, forwardable(up.headers as IncomingHttpHeaders));
      pipeline(up.body, res, ignore);
    }, (err: unknown) => fail(res, err));
    return;
  }
  const up = httpRequest({
    host: upstream.hostname, port: upstream.port, method, path: req.url, headers, agent: httpAgent,
  }, (upRes) => {
    res.writeHead(upRes.statusCode ?? 502, forwardable(upRes.headers));
    pipeline(upRes, res, ignore);
  });
  up.on('error', (err) => fail(res, err));
  if (hasBody) req.pipe(up);
  else up.end();
});

server.listen(Number(values.port ?? 0), '127.0.0.1', () => {
  console.log(`READY http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});

const parent = process.ppid;
setInterval(() => { if (process.ppid !== parent) process.exit(0); }, 1000).unref();
const stop = () => {
  server.close();
  server.closeAllConnections();
  void undiciAgent.close().finally(() => { httpAgent.destroy(); process.exit(0); });
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
