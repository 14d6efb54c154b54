import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { readRawBody } from '../mock-upstream/http.js';
import type { Ctx, RecordedCall } from '../mock-upstream/types.js';
import { handleMessages } from './messages.js';
import { MODELS } from './models.js';
import { InvalidRequest, validateMessagesBody } from './validate.js';
import { newRequestId, sendAnthropicError, sendJson } from './wire.js';

export interface MockAnthropicOptions {
  port?: number;
  /** the only x-api-key accepted; unset: any non-empty key */
  apiKey?: string;
}

export interface MockAnthropic {
  /** base URL as Anthropic's SDK takes it: no /v1 */
  url: string;
  port: number;
  calls: RecordedCall[];
  count(pathSuffix?: string): number;
  reset(): void;
  close(): Promise<void>;
}

class MockAnthropicServer implements MockAnthropic {
  readonly calls: RecordedCall[] = [];
  url = '';
  port = 0;
  private readonly cacheSeen = new Set<string>();
  private idCounter = 0;
  private open = 0;
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;

  constructor(private readonly opts: MockAnthropicOptions) {
    this.server = createServer({ noDelay: true }, (req, res) => void this.handle(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  count(pathSuffix?: string): number {
    return pathSuffix === undefined ? this.calls.length : this.calls.filter((c) => c.path.endsWith(pathSuffix)).length;
  }

  /** Forgets the calls and the prompt cache. */
  reset(): void {
    this.calls.length = 0;
    this.cacheSeen.clear();
  }

  async listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    this.url = `http://127.0.0.1:${this.port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const path = url.split('?')[0] ?? '/';
    const method = req.method ?? 'GET';
    const call: RecordedCall = { method, path, url, headers: { ...req.headers }, body: null, ts: Date.now() };
    this.calls.push(call);
    const closed = new AbortController();
    this.open++;
    res.on('close', () => { this.open--; closed.abort(); });
    const ctx: Ctx = {
      req, res, body: null, signal: closed.signal, startedAt: Date.now(), requestId: newRequestId(),
      nextId: () => ++this.idCounter,
      openCount: () => this.open,
      end: (chunk?: string) => (chunk === undefined ? res.end() : res.end(chunk)),
      destroy: () => res.socket?.destroy(),
    };
    try {
      const raw = await readRawBody(req);
      try { ctx.body = raw === '' ? null : JSON.parse(raw); } catch { ctx.body = raw; }
      call.body = ctx.body;
      await this.route(ctx, method, path);
    } catch (err) {
      if (closed.signal.aborted) return;
      if (!res.headersSent) sendAnthropicError(ctx, 500, 'api_error', `mock failure: ${String(err)}`);
      else ctx.destroy();
    }
  }

  private async route(ctx: Ctx, method: string, path: string): Promise<void> {
    const key = ctx.req.headers['x-api-key'];
    if (typeof key !== 'string' || key === '') return sendAnthropicError(ctx, 401, 'authentication_error', 'x-api-key header is required');
    if (this.opts.apiKey !== undefined && key !== this.opts.apiKey) return sendAnthropicError(ctx, 401, 'authentication_error', 'invalid x-api-key');
    if (!ctx.req.headers['anthropic-version']) return sendAnthropicError(ctx, 400, 'invalid_request_error', 'anthropic-version: header is required');

    if (method === 'GET' && path === '/v1/models') {
      const data = Object.values(MODELS).map((m) => ({ type: 'model', id: m.snapshot, display_name: m.displayName, created_at: '2025-01-01T00:00:00Z' }));
      return sendJson(ctx, 200, { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data[data.length - 1]?.id ?? null });
    }
    if (method !== 'POST' || path !== '/v1/messages') return sendAnthropicError(ctx, 404, 'not_found_error', 'Not Found');
    if (ctx.body === null || typeof ctx.body !== 'object') {
      return sendAnthropicError(ctx, 400, 'invalid_request_error', 'There was an issue with your request body: it is not valid JSON');
    }
    let snapshot: string;
    try {
      snapshot = validateMessagesBody(ctx.body).snapshot;
    } catch (err) {
      if (!(err instanceof InvalidRequest)) throw err;
      return sendAnthropicError(ctx, err.status, err.type, err.message);
    }
    await handleMessages(ctx, snapshot, this.cacheSeen);
  }
}

/** A faithful Anthropic Messages API on a free loopback port (see mock-anthropic/ for the behaviours). */
export async function startMockAnthropic(opts: MockAnthropicOptions = {}): Promise<MockAnthropic> {
  const mock = new MockAnthropicServer(opts);
  await mock.listen(opts.port ?? 0);
  return mock;
}
