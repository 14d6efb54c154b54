import type { Trace } from '../../../shared/api/dto';

/**
 * Cumulative request metrics, kept as plain numbers and updated once per request from the trace writer
 * (never per chunk). prom-client only formats them, and is loaded on the first scrape (exposition.ts).
 */

/** seconds; LLM calls span sub-millisecond cache hits to minutes-long generations */
export const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
export const STAGE_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120];
/** series per metric; a client sending random model names must not grow memory without bound */
const MAX_SERIES = 2000;
const OTHER = '_other';

export type Labels = Record<string, string>;

export class CounterSeries {
  readonly series = new Map<string, { labels: Labels; value: number }>();
  add(labels: Labels, by: number) {
    if (by === 0) return;
    let key = Object.values(labels).join('\u0001');
    let s = this.series.get(key);
    if (!s && this.series.size >= MAX_SERIES) {
      labels = Object.fromEntries(Object.keys(labels).map((k) => [k, OTHER]));
      key = Object.values(labels).join('\u0001');
      s = this.series.get(key);
    }
    if (!s) this.series.set(key, s = { labels, value: 0 });
    s.value += by;
  }
}

export class HistogramSeries {
  readonly series = new Map<string, { labels: Labels; counts: Float64Array; sum: number; count: number }>();
  constructor(readonly buckets: number[]) {}
  observe(labels: Labels, value: number) {
    const key = Object.values(labels).join('\u0001');
    let s = this.series.get(key);
    if (!s) {
      if (this.series.size >= MAX_SERIES) return;
      this.series.set(key, s = { labels, counts: new Float64Array(this.buckets.length), sum: 0, count: 0 });
    }
    // counts[i] holds observations ≤ buckets[i] and > buckets[i-1]; exposition makes them cumulative
    let i = 0;
    while (i < this.buckets.length && value > this.buckets[i]!) i++;
    if (i < this.buckets.length) s.counts[i]!++;
    s.sum += value;
    s.count++;
  }
}

export function createMetricsCollector() {
  const m = {
    requests: new CounterSeries(),
    cacheLookups: new CounterSeries(),
    tokens: new CounterSeries(),
    costUsd: new CounterSeries(),
    savedUsd: new CounterSeries(),
    errors: new CounterSeries(),
    upstreamErrors: new CounterSeries(),
    duration: new HistogramSeries(LATENCY_BUCKETS),
    ttfb: new HistogramSeries(LATENCY_BUCKETS),
    stages: new HistogramSeries(STAGE_BUCKETS),
    storeCommits: new HistogramSeries(STAGE_BUCKETS),
  };
  return {
    metrics: m,
    /** one call per finished request, from record-trace */
    observe(t: Trace) {
      const project = t.project;
      const model = t.modelUsed ?? t.modelRequested ?? 'none';
      m.requests.add({ project, model, endpoint: t.endpoint, status: String(t.status), cache: t.cache }, 1);
      if (t.endpoint !== 'passthrough' && t.endpoint !== 'models') {
        m.cacheLookups.add({ project, result: t.cache, layer: t.cacheLayer ?? 'none' }, 1);
      }
      if (t.promptTokens) m.tokens.add({ project, model, kind: 'prompt' }, t.promptTokens);
      if (t.cachedTokens) m.tokens.add({ project, model, kind: 'cached' }, t.cachedTokens);
      if (t.completionTokens) m.tokens.add({ project, model, kind: 'completion' }, t.completionTokens);
      if (t.costUsd) m.costUsd.add({ project, model }, t.costUsd);
      if (t.savedUsd) m.savedUsd.add({ project, model }, t.savedUsd);
      if (t.error) {
        const colon = t.error.indexOf(':');
        const code = t.status === 499 ? 'client_closed' : (colon > 0 ? t.error.slice(0, colon) : 'error').slice(0, 40);
        m.errors.add({ project, code }, 1);
        if (code.startsWith('upstream_') || (t.provider && t.status >= 500)) m.upstreamErrors.add({ provider: t.provider ?? 'unknown', code }, 1);
      }
      const stream = t.stream ? 'true' : 'false';
      m.duration.observe({ endpoint: t.endpoint, stream, cache: t.cache }, t.latencyMs / 1000);
      if (t.ttfbMs !== null && t.stream) m.ttfb.observe({ endpoint: t.endpoint, cache: t.cache }, t.ttfbMs / 1000);
      for (const s of t.stages) m.stages.observe({ stage: s.stage }, s.ms / 1000);
    },
    /** one call per group commit of the store (the event loop is blocked for that long) */
    observeCommit(seconds: number) {
      m.storeCommits.observe({}, seconds);
    },
  };
}

export type MetricsCollector = ReturnType<typeof createMetricsCollector>;
