import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Trace } from '../../../shared/api/dto';
import type { TraceQuery } from '../../../shared/api/routes';
import { badRequest } from '../errors';
import type { TracesRepo } from '../store/repos/traces-repo';

export type ExportFormat = 'csv' | 'jsonl';

export interface Download {
  contentType: string;
  filename: string;
  chunks: AsyncIterable<string>;
}

const PAGE = 1000;

const COLUMNS: Array<[string, (t: Trace) => unknown]> = [
  ['time', (t) => new Date(t.ts).toISOString()], ['id', (t) => t.id], ['project', (t) => t.project], ['user', (t) => t.user],
  ['feature', (t) => t.feature], ['tags', (t) => t.tags.join(' ')], ['endpoint', (t) => t.endpoint], ['model_requested', (t) => t.modelRequested],
  ['model_used', (t) => t.modelUsed], ['provider', (t) => t.provider], ['status', (t) => t.status], ['stream', (t) => t.stream],
  ['cache', (t) => t.cache], ['cache_layer', (t) => t.cacheLayer], ['latency_ms', (t) => t.latencyMs], ['ttfb_ms', (t) => t.ttfbMs],
  ['prompt_tokens', (t) => t.promptTokens], ['cached_tokens', (t) => t.cachedTokens], ['completion_tokens', (t) => t.completionTokens],
  ['cost_usd', (t) => t.costUsd], ['saved_usd', (t) => t.savedUsd], ['routing_saved_usd', (t) => t.routingSavedUsd],
  ['usage_estimated', (t) => t.usageEstimated], ['error', (t) => t.error],
];

/** One CSV cell. Text a spreadsheet would run as a formula (= + - @ first) gets a leading quote. */
function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const toCsvRow = (t: Trace) => COLUMNS.map(([, read]) => cell(read(t))).join(',') + '\r\n';

/**
 * Every trace the filters match, newest first, as CSV (one row per request: who, model, tokens, cost, timing;
 * never bodies) or JSON lines (the trace objects). Read a page at a time with a turn of the event loop between
 * pages, so a big export never stalls the proxy.
 */
export function exportTraces(traces: TracesRepo, query: Omit<TraceQuery, 'limit' | 'cursor'>, format: string | undefined, now: number): Download {
  if (format !== undefined && format !== 'csv' && format !== 'jsonl') throw badRequest('format must be csv or jsonl.', 'format');
  const as: ExportFormat = format ?? 'csv';
  const stamp = new Date(now).toISOString().slice(0, 19).replace(/[:T]/g, '-');
  async function* chunks(): AsyncIterable<string> {
    if (as === 'csv') yield COLUMNS.map(([name]) => name).join(',') + '\r\n';
    let cursor: string | undefined;
    for (;;) {
      const page = traces.list({ ...query, limit: PAGE, cursor });
      if (page.items.length > 0) yield page.items.map(as === 'csv' ? toCsvRow : (t) => JSON.stringify(t) + '\n').join('');
      if (page.nextCursor === null) return;
      cursor = page.nextCursor;
      await nextTurn();
    }
  }
  return {
    contentType: as === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
    filename: `tollgate-traces-${stamp}.${as}`,
    chunks: chunks(),
  };
}
