import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { GatewayError } from '../errors';
import { createUpstreamClient } from './upstream-client';

const OK = 'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\nconnection: keep-alive\r\n\r\n{"ok":true}';
const timeouts = { connectMs: 1000, headersMs: 300, bodyMs: 300 };

let server: Server | null = null;
afterEach(() => { server?.close(); server = null; });

/** A raw HTTP/1.1 server whose behaviour per request is scripted, to reproduce races Node's server never shows. */
async function startRawServer(onRequest: (socket: Socket, nth: number) => void) {
  let nth = 0;
  const connections: Socket[] = [];
  server = createServer((socket) => {
    connections.push(socket);
    socket.on('data', (data) => {
      if (data.toString().includes('\r\n\r\n')) onRequest(socket, ++nth);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, connections };
}

async function readAll(body: AsyncIterable<Buffer>) {
  let text = '';
  for await (const chunk of body) text += chunk.toString();
  return text;
}

describe('upstream client', () => {
  it('retries once on a fresh socket when a kept-alive socket was already closed by the server', async () => {
    const raw = await startRawServer((socket, nth) => {
      if (nth === 2) socket.destroy(); // the server's keep-alive timer fired as our request arrived
      else socket.write(OK);
    });
    const client = createUpstreamClient(timeouts);
    const req = { origin: raw.origin, path: '/v1/x', method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' };
    expect(await readAll((await client.send(req)).body)).toBe('{"ok":true}');
    const second = await client.send(req);
    expect(second.status).toBe(200);
    expect(await readAll(second.body)).toBe('{"ok":true}');
    expect(raw.connections).toHaveLength(2);
    await client.close();
  });

  it('times out waiting for headers with a 504', async () => {
    const raw = await startRawServer(() => undefined);
    const client = createUpstreamClient(timeouts);
    const err = await client.send({ origin: raw.origin, path: '/', method: 'GET', headers: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GatewayError);
    expect((err as GatewayError).status).toBe(504);
    expect((err as GatewayError).message).toMatch(/no headers within 300 ms/);
    await client.close();
  });

  it('times out a body that goes silent, and the reader sees the timeout', async () => {
    const raw = await startRawServer((socket) => socket.write('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\npartial'));
    const client = createUpstreamClient(timeouts);
    const res = await client.send({ origin: raw.origin, path: '/', method: 'GET', headers: {} });
    const err = await readAll(res.body).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/no data within 300 ms/);
    await client.close();
  });

  it('turns a refused connection into 502 upstream_unavailable', async () => {
    const raw = await startRawServer(() => undefined);
    server!.close();
    await once(server!, 'close');
    const client = createUpstreamClient(timeouts);
    const err = await client.send({ origin: raw.origin, path: '/', method: 'GET', headers: {} }).catch((e: unknown) => e) as GatewayError;
    expect(err.status).toBe(502);
    expect(err.code).toBe('upstream_unavailable');
    await client.close();
  });
});
