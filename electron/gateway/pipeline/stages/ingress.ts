import type { IncomingMessage } from 'node:http';
import { HEADERS } from '../../../../shared/headers';
import { badRequest, GatewayError } from '../../errors';
import type { RequestContext } from '../context';
import type { Stage } from '../stage';

const SLUG = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const MAX_TAGS = 16;

/** Body size limit, JSON parse, shape check, and who the request belongs to. */
export const ingress: Stage = {
  name: 'ingress',
  async run(ctx, deps) {
    if (ctx.req.headers['x-tollgate-hop'] === deps.instanceId) {
      throw new GatewayError(508, 'invalid_request_error', 'upstream_loop',
        'This request came back to Tollgate from its own upstream call: the provider base URL points at Tollgate. Set TOLLGATE_OPENAI_BASE_URL to the real provider.');
    }
    if (!SLUG.test(ctx.projectSlug)) {
      throw badRequest(`"${ctx.projectSlug}" is not a valid project slug: use 1-64 characters of a-z, 0-9, ".", "_" or "-", starting with a letter or digit.`, 'project');
    }
    ctx.project = deps.projects.ensure(ctx.projectSlug);
    ctx.user = headerValue(ctx.req, HEADERS.USER);
    ctx.feature = headerValue(ctx.req, HEADERS.FEATURE);
    ctx.tags = splitList(headerValue(ctx.req, HEADERS.TAGS));
    const auth = headerValue(ctx.req, 'authorization');
    const bearer = auth?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
    if (bearer?.startsWith('sk-')) ctx.clientKey = bearer;

    if (ctx.endpoint === 'passthrough' || ctx.endpoint === 'models') return;

    ctx.rawBody = await readBody(ctx.req, deps.maxBodyBytes);
    ctx.body = parseJsonObject(ctx.rawBody);
    checkShape(ctx);
    ctx.modelRequested = ctx.body.model as string;
    ctx.stream = ctx.body.stream === true;
    const streamOptions = ctx.body.stream_options as { include_usage?: unknown } | undefined;
    ctx.clientWantsUsage = streamOptions?.include_usage === true;
    if (!ctx.user && typeof ctx.body.user === 'string' && ctx.body.user) ctx.user = ctx.body.user.slice(0, 256);
  },
};

export function headerValue(req: IncomingMessage, name: string): string | null {
  const v = req.headers[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s ? s.slice(0, 256) : null;
}

export function splitList(value: string | null): string[] {
  if (!value) return [];
  return value.split(',').map((t) => t.trim()).filter(Boolean).slice(0, MAX_TAGS).map((t) => t.slice(0, 64));
}

function tooLarge(limit: number) {
  return new GatewayError(413, 'invalid_request_error', 'request_too_large',
    `The request body is larger than Tollgate's limit of ${limit} bytes. Send less, or raise the limit (--max-body-bytes).`);
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume(); // drain what is left so the 413 can still be read
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    // the client hung up (or was cut off) before its body was complete: its fault, never a 500
    req.once('error', (err) => reject(new GatewayError(499, 'invalid_request_error', 'invalid_request',
      'The client closed the connection before its request body was complete.', { cause: err })));
  });
}

function parseJsonObject(raw: Buffer): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw badRequest(`The request body is not valid JSON (${(err as Error).message}). Send a JSON object with content-type: application/json.`, null, 'invalid_json');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw badRequest('The request body must be a JSON object.', null, 'invalid_json');
  }
  return value as Record<string, unknown>;
}

function checkShape(ctx: RequestContext) {
  const body = ctx.body!;
  if (typeof body.model !== 'string' || body.model.length === 0) {
    throw badRequest('You must provide a model parameter (a string, e.g. "gpt-4o-mini").', 'model');
  }
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== 'boolean') {
    throw badRequest('"stream" must be a boolean.', 'stream');
  }
  if (ctx.endpoint === 'chat.completions') {
    if (!Array.isArray(body.messages) || body.messages.length === 0) {
      throw badRequest('"messages" must be a non-empty array of {role, content} objects.', 'messages');
    }
    body.messages.forEach((m, i) => {
      if (m === null || typeof m !== 'object' || typeof (m as { role?: unknown }).role !== 'string') {
        throw badRequest(`messages[${i}] must be an object with a string "role".`, `messages[${i}]`);
      }
    });
  } else if (ctx.endpoint === 'responses') {
    const hasInput = typeof body.input === 'string' || Array.isArray(body.input);
    if (!hasInput && body.previous_response_id === undefined && body.prompt === undefined && body.conversation === undefined) {
      throw badRequest('"input" must be a string or an array of input items.', 'input');
    }
  } else if (ctx.endpoint === 'embeddings') {
    const input = body.input;
    if (!(typeof input === 'string' || (Array.isArray(input) && input.length > 0))) {
      throw badRequest('"input" must be a string or a non-empty array.', 'input');
    }
  }
}
