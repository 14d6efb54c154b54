import { APIError } from 'openai';
import type { TraceDetail } from '../../shared/api/dto';
import { eventually, type TestGateway } from './start-gateway';

/** The trace the gateway recorded for one request (written in a batch shortly after the answer). */
export function fetchTrace(t: TestGateway, id: string | null): Promise<TraceDetail> {
  if (!id) throw new Error('the response carried no x-tollgate-trace-id');
  return eventually(async () => {
    const r = await t.admin<TraceDetail>(`/admin/v1/traces/${id}`);
    return r.status === 200 ? r.body : null;
  });
}

/** The newest trace, for requests whose response never reached the test (aborts, stream errors). */
export function fetchLatestTrace(t: TestGateway, match: (tr: TraceDetail) => boolean): Promise<TraceDetail> {
  return eventually(async () => {
    const r = await t.admin<{ items: TraceDetail[] }>('/admin/v1/traces?limit=20');
    return r.body.items.find(match) ?? null;
  });
}

/** Awaits a call that must fail, and returns the SDK's APIError it failed with. */
export async function catchApiError(p: Promise<unknown>): Promise<APIError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  if (!(err instanceof APIError)) throw new Error(`expected an APIError, got ${String(err)}`);
  return err;
}

/** Raw POST to the gateway, for what an SDK would never send. */
export function postRaw(t: TestGateway, path: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(t.addresses.proxyUrl.replace(/\/v1$/, '') + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
}
