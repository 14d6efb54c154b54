import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { handleChat } from './chat.js';
import { handleEmbeddings, handleModels } from './embeddings.js';
import { errorBody, invalidJsonError, newRequestId, readRawBody, sendError, sendJson } from './http.js';
import { handleResponses } from './responses.js';
import { UsageHeaderError } from './usage.js';
import { overrideHeaders, playFault, QuotaWindow } from './faults.js';
import type { Ctx, MockFault, MockUpstream, MockUpstreamOptions, RecordedCall } from './types.js';

type Handler = (ctx: Ctx) => void | Promise<void>;

const JSON_ROUTES: Record<string, Handler> = {
  'POST /v1/chat/completions': handleChat,
  'POST /v1/responses': handleResponses,
  'POST /v1/embeddings': handleEmbeddings,
};

const AZURE_PATH = /^\/openai\/deployments\/([^/]+)\/(chat\/completions|embeddings)$/;

function maskKey(key: string): string {
  if (key.length <= 8) return key;
  return `${key.slice(0, 3)}${'*'.repeat(Math.max(4, key.length - 7))}${key.slice(-4)}`;
}

class MockUpstreamServer implements MockUpstream {
  readonly calls: RecordedCall[] = [];
  url = '';
  port = 0;
  private abortedCount = 0;
  private open = 0;
  private idCounter = 0;
  private readonly sockets = new Set<Socket>();
  private readonly faults: MockFault[] = [];
  private readonly quota: QuotaWindow | null;
  private readonly server: Server;

  constructor(private readonly opts: MockUpstreamOptions) {
    this.quota = opts.rateLimit ? new QuotaWindow(opts.rateLimit) : null;
    this.server = createServer({ noDelay: true }, (req, res) => void this.handle(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  get aborted(): number {
    return this.abortedCount;
  }

  get openResponses(): number {
    return this.open;
  }

  count(pathSuffix?: string): number {
    if (pathSuffix === undefined) return this.calls.length;
    return this.calls.filter((c) => c.path.endsWith(pathSuffix)).length;
  }

  script(faults: MockFault[]): void {
    this.faults.push(...faults);
  }

  get rateLimited(): number {
    return this.quota?.rejected ?? 0;
  }

  reset(): void {
    this.faults.length = 0;
    // In place, so callers holding `mock.calls` keep seeing the live list.
    this.calls.length = 0;
    this.abortedCount = 0;
  }

  async listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
    this.url = `http://127.0.0.1:${this.port}/v1`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const startedAt = Date.now();
    const url = req.url ?? '/';
    const path = url.split('?')[0] ?? '/';
    const method = req.method ?? 'GET';
    const call: RecordedCall = { method, path, url, headers: { ...req.headers }, body: null, ts: startedAt };
    this.calls.push(call);

    this.open++;
    const closed = new AbortController();
    let ended = false;
    let selfDestroyed = false;
    res.on('close', () => {
      this.open--;
      if (!ended && !selfDestroyed) this.abortedCount++;
      closed.abort();
    });
    const ctx: Ctx = {
      req,
      res,
      body: null,
      signal: closed.signal,
      startedAt,
      requestId: newRequestId(),
      nextId: () => ++this.idCounter,
      openCount: () => this.open,
      end: (chunk?: string) => {
        ended = true;
        if (chunk === undefined) res.end();
        else res.end(chunk);
      },
      destroy: () => {
        selfDestroyed = true;
        res.socket?.destroy();
      },
    };

    try {
      const raw = await readRawBody(req);
      let jsonOk = true;
      if (raw !== '') {
        try {
          ctx.body = JSON.parse(raw);
        } catch {
          ctx.body = raw;
          jsonOk = false;
        }
      }
      call.body = ctx.body;
      await this.route(ctx, method, path, url, jsonOk);
    } catch (err) {
      if (closed.signal.aborted) return;
      if (err instanceof UsageHeaderError && !res.headersSent) {
        sendError(ctx, 400, errorBody(err.message, 'invalid_request_error', null, 'invalid_mock_header'));
        return;
      }
      if (!this.opts.quiet) console.error('[mock-upstream] handler failed:', err);
      if (!res.headersSent) sendError(ctx, 500, errorBody(String(err), 'server_error'));
      else ctx.destroy();
    }
  }

  private async route(ctx: Ctx, method: string, path: string, url: string, jsonOk: boolean): Promise<void> {
    const { requireKey } = this.opts;
    if (requireKey !== undefined) {
      const auth = ctx.req.headers.authorization ?? '';
      if (auth !== `Bearer ${requireKey}`) {
        const given = auth.replace(/^Bearer\s+/i, '');
        sendError(
          ctx,
          401,
          errorBody(
            `Incorrect API key provided: ${maskKey(given)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
            'invalid_request_error',
            null,
            'invalid_api_key',
          ),
        );
        return;
      }
    }

    // Azure OpenAI: the deployment in the path names the model, the key comes in `api-key`
    const azure = AZURE_PATH.exec(path);
    const handler = azure ? JSON_ROUTES[`${method} /v1/${azure[2]}`] : JSON_ROUTES[`${method} ${path}`];
    if (azure && handler && ctx.body && typeof ctx.body === 'object' && ctx.body.model === undefined) {
      ctx.body.model = decodeURIComponent(azure[1]!);
    }
    if (handler && method === 'POST') {
      const fault = this.faults.shift();
      if (fault && 'content' in fault) ctx.scriptedContent = fault.content;
      else if (fault) {
        playFault(ctx, fault);
        return;
      }
      const model = ctx.body && typeof ctx.body === 'object' ? ctx.body.model : undefined;
      if (this.opts.models && typeof model === 'string' && !this.opts.models.includes(model)) {
        sendError(ctx, 404, errorBody(`The model \`${model}\` does not exist or you do not have access to it.`, 'invalid_request_error', null, 'model_not_found'));
        return;
      }
      if (this.quota) {
        const { over, headers } = this.quota.take(Date.now());
        overrideHeaders(ctx, headers);
        if (over) {
          playFault(ctx, { status: 429, message: 'Rate limit reached for requests (mock quota).', retryAfterMs: Number(headers['retry-after-ms']), retryAfter: headers['retry-after'] });
          return;
        }
      }
    }
    if (handler) {
      if (!jsonOk || ctx.body === null || typeof ctx.body !== 'object') {
        sendError(ctx, 400, invalidJsonError());
        return;
      }
      await handler(ctx);
      return;
    }
    if (method === 'GET' && path === '/v1/models') {
      handleModels(ctx);
      return;
    }
    if (path === '/v1' || path.startsWith('/v1/')) {
      const query = url.includes('?') ? url.slice(url.indexOf('?')) : '';
      sendJson(ctx, 200, { object: 'mock.echo', method, path, query, body: ctx.body });
      return;
    }
    sendError(ctx, 404, errorBody(`Invalid URL (${method} ${path})`, 'invalid_request_error', null, 'unknown_url'));
  }
}

export async function startMockUpstream(opts: MockUpstreamOptions = {}): Promise<MockUpstream> {
  const mock = new MockUpstreamServer(opts);
  await mock.listen(opts.port ?? 0);
  return mock;
}
