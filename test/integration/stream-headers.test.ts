/**
 * Streamed answers: our response headers ride with the first chunk when it came in with the upstream's headers
 * (one socket write), but a client whose upstream is slow to its first token still gets the 200 at once.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/start-gateway';

let upstream: Server;
let t: TestGateway;
let releaseFirstToken: () => void = () => undefined;
let firstTokenSent = false;

const chunk = (content: string) => `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini',
  choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;

beforeAll(async () => {
  upstream = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.flushHeaders(); // headers now, the first token only when the test says so
      releaseFirstToken = () => {
        firstTokenSent = true;
        res.write(chunk('late'));
        res.end('data: [DONE]\n\n');
      };
    });
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  t = await startTestGateway({ openai: { baseUrl: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`, apiKey: 'sk-test-0000000000' } });
});
afterAll(async () => {
  await t.close();
  upstream.closeAllConnections();
  await new Promise((r) => upstream.close(r));
});

describe('streamed response headers', () => {
  it('reach the client before a slow first token', async () => {
    const stream = await t.client().chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    // the SDK resolves on response headers: they came while the upstream still holds its first token
    expect(firstTokenSent).toBe(false);
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get('x-tollgate-trace-id')).toMatch(/^tr_/);
    releaseFirstToken();
    let text = '';
    for await (const c of stream.data) text += c.choices[0]?.delta?.content ?? '';
    expect(text).toBe('late');
  });
});
