import type { PriceLookup } from '../../../../shared/api/dashboard';
import { getAdminClient, type AdminClient } from '../../lib/admin-client';
import { describeError, isAbort } from '../../lib/describe-error';
import { useAppStore, type AppStore } from '../../store';
import { toTraceQuery } from './trace-view-slice';

let detailRequest: AbortController | null = null;

/** Fetches the selected trace's bodies and headers; a newer selection cancels an older fetch. */
export async function loadTraceDetail(id: string, store: AppStore = useAppStore, client: AdminClient = getAdminClient()) {
  detailRequest?.abort();
  const request = new AbortController();
  detailRequest = request;
  const current = store.getState().traceDetail;
  if (current.state === 'loaded' && current.id === id) return;
  store.getState().setTraceDetail({ state: 'loading', id });
  try {
    const detail = await client.getTrace(id, request.signal);
    if (!request.signal.aborted) store.getState().setTraceDetail({ state: 'loaded', id, detail });
  } catch (error) {
    if (isAbort(error) || request.signal.aborted) return;
    store.getState().setTraceDetail({ state: 'error', id, error: describeError(error) });
  }
}

export function clearTraceDetail(store: AppStore = useAppStore): void {
  detailRequest?.abort();
  detailRequest = null;
  store.getState().setTraceDetail({ state: 'idle' });
}

const priceLookups = new Map<string, Promise<PriceLookup>>();

/** The gateway's price for a model (USD per 1M tokens), asked once per model per page load. */
export function lookupPrice(model: string, client: AdminClient = getAdminClient()): Promise<PriceLookup> {
  let lookup = priceLookups.get(model);
  if (!lookup) {
    lookup = client.lookupPrice(model);
    // a failed lookup is asked again next time
    lookup.catch(() => priceLookups.delete(model));
    priceLookups.set(model, lookup);
  }
  return lookup;
}

export function reportWrongHit(entryId: string, similarity: number, client: AdminClient = getAdminClient()) {
  return client.reportWrongHit(entryId, similarity);
}

/** Saves every trace the current filters match (the whole history, not just loaded rows) as a CSV file. */
export async function exportFilteredTraces(store: AppStore = useAppStore, client: AdminClient = getAdminClient()): Promise<void> {
  const { blob, filename } = await client.exportTraces(toTraceQuery(store.getState().traceFilters), 'csv');
  const url = URL.createObjectURL(blob);
  const link = Object.assign(document.createElement('a'), { href: url, download: filename });
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
