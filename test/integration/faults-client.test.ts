/**
 * Client faults over raw sockets: a client that vanishes at every phase of a request, and slow-loris clients
 * that drip their headers or body. The gateway answers what can still be answered (408, OpenAI-shaped),
 * records what reached the pipeline, and keeps nothing open afterwards.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Trace } from '../../shared/api/dto';
import { chatBody, drip, expectClean, isolatedClient, openRaw, openReservations, parseRawAnswer, requestHead, sleep } from '../support/faults';
import { eventually, useSharedGateway, type TestGateway } from '../support/start-gateway';

let t: TestGateway;
useSharedGateway({ clientHeadersTimeoutMs: 300, clientRequestTimeoutMs: 600 }, (gw) => { t = gw; });

beforeAll(async () => {
  // a cap makes every priced request hold a budget reservation, which each fault below must give back
  const r = await t.admin('/admin/v1/projects', { method: 'POST', body: { slug: 'default', budget: { dailyUsd: 1000, mode: 'block' } } });
  expect(r.status).toBe(201);
});

let timersBefore = 0;
beforeEach(() => { timersBefore = t.gateway.diagnostics().timers.process; });
afterEach(async () => {
  await expectClean(t, { proxySockets: 0, processTimers: timersBefore });
  expect(await openReservations(t)).toEqual({ count: 0, usd: 0 });
  expect(t.logs.filter((l) => l.level === 'error')).toEqual([]);
  const { client, close } = isolatedClient(t);
  const ok = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'still there?' }] });
  expect(ok.choices[0]!.message.content).toBe('Echo: still there?');
  await close();
});

async function traceOf(model: string): Promise<Trace> {
  return eventually(async () => (await t.admin<{ items: Trace[] }>(`/admin/v1/traces?model=${model}&limit=5`)).body.items[0]);
}

async function traceCount(): Promise<number> {
  return (await t.admin<{ items: Trace[] }>('/admin/v1/traces?limit=1000')).body.items.length;
}

describe('client disconnects at every phase', () => {
  it('while sending headers: nothing reaches the pipeline, nothing is held', async () => {
    const before = await traceCount();
    const conn = await openRaw(t);
    conn.socket.write('POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-');
    await sleep(50);
    conn.socket.destroy();
    await conn.closed;
    await expectClean(t);
    expect(await traceCount()).toBe(before);
    expect(t.mock.count()).toBe(0);
  });

  it('while sending the body: traced as 499, no upstream call', async () => {
    const body = chatBody('disconnect-body');
    const conn = await openRaw(t);
    conn.socket.write(requestHead(body) + body.slice(0, 20));
    await eventually(async () => t.gateway.diagnostics().inFlight === 1);
    conn.socket.destroy();
    // the model name is in the half of the body that never came, so find the trace by status
    const listed = await eventually(async () => (await t.admin<{ items: Trace[] }>('/admin/v1/traces?status=499&limit=5')).body.items[0]);
    expect(listed).toMatchObject({ status: 499, error: 'client closed the request', endpoint: 'chat.completions' });
    expect(t.mock.count()).toBe(0);
  });

  it('while waiting for the upstream: the upstream call is aborted, traced as 499', async () => {
    const body = chatBody('gpt-4o-mini', { messages: [{ role: 'user', content: 'wait for me' }] });
    const conn = await openRaw(t);
    conn.socket.write(requestHead(body, 'x-mock-delay-ms: 60000\r\n') + body);
    await eventually(async () => t.mock.openResponses === 1);
    expect((await openReservations(t)).count).toBe(1);
    conn.socket.destroy();
    await eventually(async () => t.mock.aborted === 1);
    const trace = await eventually(async () => (await t.admin<{ items: Trace[] }>('/admin/v1/traces?status=499&limit=1')).body.items.find((x) => x.modelRequested === 'gpt-4o-mini'));
    expect(trace.error).toBe('client closed the request');
  });

  it('mid-stream: the upstream stream is aborted, traced as 499 with what was streamed', async () => {
    const body = chatBody('mock-slow-stream', { stream: true });
    const conn = await openRaw(t);
    conn.socket.write(requestHead(body) + body);
    await eventually(async () => conn.received().includes('tick'));
    conn.socket.destroy();
    await eventually(async () => t.mock.aborted === 1);
    const trace = await traceOf('mock-slow-stream');
    expect(trace).toMatchObject({ status: 499, stream: true, usageEstimated: true });
  });

  it('while a large answer is being written to it: nothing is held once the socket is gone', async () => {
    const big = 'x'.repeat(4 * 1024 * 1024);
    const body = chatBody('gpt-4o-mini', { messages: [{ role: 'user', content: big }] });
    const conn = await openRaw(t);
    conn.socket.pause(); // read nothing: the answer backs up in the socket
    conn.socket.write(requestHead(body) + body);
    await eventually(async () => t.mock.count('/chat/completions') === 1 && t.mock.openResponses === 0);
    conn.socket.destroy();
    const trace = await traceOf('gpt-4o-mini');
    expect([200, 499]).toContain(trace.status);
  });
});

describe('slow-loris clients', () => {
  it('headers dripped slower than the header timeout get an OpenAI-shaped 408 and the socket is closed', async () => {
    const conn = await openRaw(t);
    void drip(conn, requestHead(chatBody('gpt-4o-mini')), 40);
    await conn.closed;
    const { status, body } = parseRawAnswer(conn.received());
    expect(status).toBe(408);
    expect(body).toEqual({ error: { message: expect.stringContaining('did not arrive in time'), type: 'invalid_request_error', param: null, code: 'request_timeout' } });
    expect(t.mock.count()).toBe(0);
  });

  it('a body dripped slower than the request timeout gets a 408, is traced, and never goes upstream', async () => {
    const body = chatBody('slow-body');
    const conn = await openRaw(t);
    conn.socket.write(requestHead(body));
    void drip(conn, body, 60);
    await conn.closed;
    const { status, body: answer } = parseRawAnswer(conn.received());
    expect(status).toBe(408);
    expect(answer).toMatchObject({ error: { code: 'request_timeout', type: 'invalid_request_error' } });
    expect(t.mock.count()).toBe(0);
    const trace = await eventually(async () => (await t.admin<{ items: Trace[] }>('/admin/v1/traces?status=408&limit=1')).body.items[0]);
    expect(trace.error).toMatch(/^request_timeout: /);
  });

  it('a held-open idle connection with no request is closed by the header timeout', async () => {
    const conn = await openRaw(t);
    await conn.closed;
    expect(conn.received() === '' || parseRawAnswer(conn.received()).status === 408).toBe(true);
  });
});
