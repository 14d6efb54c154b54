import { GatewayError } from '../errors';
import { readCapped } from '../pipeline/upstream-error';
import { buildUpstreamHeaders } from '../proxy/forward-headers';
import { DEFAULT_PROVIDER, type ProviderConfig } from '../providers/provider-settings';
import type { RequestContext } from '../pipeline/context';
import type { PipelineDeps } from '../pipeline/stage';
import { clientKeyFor } from './router';

interface ModelEntry { id: string; object: 'model'; created: number; owned_by: string }

const LIST_TIMEOUT_MS = 5_000;

/** One provider's /models, or its configured list when it has one or cannot be reached. */
async function listProviderModels(ctx: RequestContext, deps: PipelineDeps, p: ProviderConfig): Promise<{ entries: ModelEntry[]; error: string | null }> {
  const fromConfig = (): ModelEntry[] => (p.models ?? []).map((id) => ({ id, object: 'model', created: 0, owned_by: p.id }));
  if (p.models || !p.adapter.supports('models')) return { entries: fromConfig(), error: null };
  const key = clientKeyFor(p, ctx.clientKey) ?? p.apiKey;
  const call = p.adapter.buildCall({ endpoint: 'models', body: {}, raw: null, stream: false, provider: p, apiKey: key,
    headers: buildUpstreamHeaders(ctx.req.headers, null, deps.instanceId) });
  const cancel = { aborted: false, onAbort: null as (() => void) | null };
  const timer = setTimeout(() => { cancel.aborted = true; cancel.onAbort?.(); }, LIST_TIMEOUT_MS);
  try {
    const res = await deps.upstream.send({ origin: p.origin, path: call.path, method: 'GET', headers: call.headers, body: null, cancel });
    const raw = await readCapped(res.body, 4 * 1024 * 1024);
    if (res.status >= 400) return { entries: fromConfig(), error: `${p.id}: HTTP ${res.status}` };
    const parsed = JSON.parse(raw.toString('utf8')) as { data?: Array<Partial<ModelEntry>> };
    const entries = (parsed.data ?? []).filter((m) => typeof m?.id === 'string')
      .map((m) => ({ id: m.id!, object: 'model' as const, created: typeof m.created === 'number' ? m.created : 0, owned_by: m.owned_by ?? p.id }));
    return { entries, error: null };
  } catch (err) {
    return { entries: fromConfig(), error: `${p.id}: ${(err as Error).message}` };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * GET /v1/models: what is reachable through the gateway. The default provider's models by their bare names
 * (as a client talking to OpenAI expects), every other provider's as provider/model, then the aliases.
 */
export async function listModels(ctx: RequestContext, deps: PipelineDeps): Promise<void> {
  const providers = deps.providers.configured();
  const results = await Promise.all(providers.map((p) => listProviderModels(ctx, deps, p)));
  const data: ModelEntry[] = [];
  const seen = new Set<string>();
  const add = (e: ModelEntry) => { if (!seen.has(e.id)) { seen.add(e.id); data.push(e); } };
  providers.forEach((p, i) => {
    for (const e of results[i]!.entries) add(p.id === DEFAULT_PROVIDER ? e : { ...e, id: `${p.id}/${e.id}` });
  });
  for (const a of [...deps.routing.aliases.list(ctx.projectSlug), ...deps.routing.aliases.list(null)]) {
    add({ id: a.name, object: 'model', created: Math.floor(a.updatedAt / 1000), owned_by: 'tollgate-alias' });
  }
  const errors = results.map((r) => r.error).filter((e): e is string => e !== null);
  if (data.length === 0 && errors.length > 0) {
    throw new GatewayError(502, 'upstream_error', 'upstream_unavailable', `No provider could list its models: ${errors.join('; ')}`);
  }
  ctx.upstreamStatus = 200;
  ctx.provider = deps.providers.get(DEFAULT_PROVIDER) ?? null;
  const body = Buffer.from(JSON.stringify({ object: 'list', data }));
  ctx.responseHeaders = { 'content-type': 'application/json' };
  ctx.reply = { kind: 'json', status: 200, headers: ctx.responseHeaders, body };
}
