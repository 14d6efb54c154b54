import type { Trace } from '../../shared/api/dto';
import { formatUsd } from '../../shared/cost';

const FLUSH_MS = 200;
/**
 * Text lines per flush (250 a second). Past that a terminal only scrolls by unread, and writing it costs the
 * gateway more than logging is worth: the rest of the batch becomes one summary line (errors still print).
 */
const MAX_TEXT_LINES = 50;

function formatLine(t: Trace): string {
  const time = new Date(t.ts).toTimeString().slice(0, 8);
  const model = t.modelUsed && t.modelUsed !== t.modelRequested ? `${t.modelRequested}→${t.modelUsed}` : t.modelRequested ?? t.path;
  const cost = t.cache === 'hit' ? `saved ${formatUsd(t.savedUsd)}` : t.costUsd === null && t.promptTokens === null ? '' : formatUsd(t.costUsd);
  const err = t.error ? `  ${t.error.slice(0, 120)}` : '';
  return `${time}  ${t.project.padEnd(14)} ${String(t.status).padEnd(4)} ${t.cache.padEnd(6)} ${`${t.latencyMs.toFixed(1)}ms`.padStart(9)}  ${model}  ${cost}${err}`;
}

/** The same request as one JSON object per line, for log shippers (--log-format json). No bodies, no keys. */
function formatJson(t: Trace): string {
  return JSON.stringify({
    ts: new Date(t.ts).toISOString(), level: t.status >= 500 ? 'error' : t.status >= 400 ? 'warn' : 'info', msg: 'request',
    traceId: t.id, project: t.project, endpoint: t.endpoint, method: t.method, path: t.path, status: t.status, stream: t.stream,
    modelRequested: t.modelRequested, modelUsed: t.modelUsed, provider: t.provider, cache: t.cache, cacheLayer: t.cacheLayer,
    latencyMs: t.latencyMs, ttfbMs: t.ttfbMs, promptTokens: t.promptTokens, completionTokens: t.completionTokens,
    costUsd: t.costUsd, savedUsd: t.savedUsd, user: t.user, feature: t.feature, error: t.error,
  });
}

export type AccessLogFormat = 'text' | 'json';

/**
 * One line per request for the headless terminal, written in batches so it stays off the hot path. JSON lines
 * (for log shippers) are all written; text lines over MAX_TEXT_LINES a batch are summed up in one line.
 */
export function createAccessLog(write: (text: string) => void, format: AccessLogFormat = 'text') {
  const toLine = format === 'json' ? formatJson : formatLine;
  const cap = format === 'json' ? Infinity : MAX_TEXT_LINES;
  let lines: string[] = [];
  let skipped = { requests: 0, costUsd: 0 };
  let timer: NodeJS.Timeout | null = null;
  const flush = () => {
    timer = null;
    if (skipped.requests > 0) {
      lines.push(`… ${skipped.requests.toLocaleString('en-US')} more requests (${formatUsd(skipped.costUsd)}) not shown: see the dashboard, or --log-format json for every line`);
      skipped = { requests: 0, costUsd: 0 };
    }
    if (lines.length === 0) return;
    write(lines.join('\n') + '\n');
    lines = [];
  };
  return {
    add(trace: Trace) {
      // errors get a second allowance: they are what someone watching the terminal looks for
      if (lines.length >= (trace.error ? 2 * cap : cap)) {
        skipped.requests++;
        skipped.costUsd += trace.costUsd ?? 0;
      } else {
        lines.push(toLine(trace));
      }
      if (!timer) {
        timer = setTimeout(flush, FLUSH_MS);
        timer.unref();
      }
    },
    flush,
  };
}
