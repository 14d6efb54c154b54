import type { ProjectUsage } from '../../../shared/api/dto';
import type { CounterSeries, HistogramSeries, Labels, MetricsCollector } from './collector';

type PromClient = typeof import('prom-client');
interface MetricValue { value: number; labels: Labels; metricName?: string }
/** prom-client's registry formats any metric object with this shape (what its own metrics return from get()) */
interface CustomMetric { name: string; help: string; type: 'counter' | 'gauge' | 'histogram'; aggregator: 'sum'; get(): Promise<{ name: string; help: string; type: string; aggregator: 'sum'; values: MetricValue[] }> }

function custom(name: string, help: string, type: CustomMetric['type'], values: () => MetricValue[] | Promise<MetricValue[]>): CustomMetric {
  return { name, help, type, aggregator: 'sum', async get() { return { name, help, type, aggregator: 'sum', values: await values() }; } };
}

const counterValues = (c: CounterSeries): MetricValue[] => [...c.series.values()].map((s) => ({ labels: s.labels, value: s.value }));

function histogramValues(name: string, h: HistogramSeries): MetricValue[] {
  const out: MetricValue[] = [];
  for (const s of h.series.values()) {
    let cumulative = 0;
    h.buckets.forEach((le, i) => {
      cumulative += s.counts[i]!;
      out.push({ metricName: `${name}_bucket`, labels: { ...s.labels, le: String(le) }, value: cumulative });
    });
    out.push({ metricName: `${name}_bucket`, labels: { ...s.labels, le: '+Inf' }, value: s.count });
    out.push({ metricName: `${name}_sum`, labels: s.labels, value: s.sum });
    out.push({ metricName: `${name}_count`, labels: s.labels, value: s.count });
  }
  return out;
}

export interface MetricsSources {
  collector: MetricsCollector;
  /** the budget service's view of every project (caps, spend, open reservations) */
  budgets: () => ProjectUsage[];
  inFlight: () => number;
}

/** GET /metrics: Prometheus text. prom-client is imported on the first scrape, so a gateway nobody scrapes never loads it. */
export function createMetricsEndpoint(src: MetricsSources) {
  let registry: Promise<InstanceType<PromClient['Registry']>> | null = null;

  async function build() {
    const prom = await import('prom-client');
    const reg = new prom.Registry();
    prom.collectDefaultMetrics({ register: reg, prefix: 'tollgate_' });
    const m = src.collector.metrics;
    const metrics: CustomMetric[] = [
      custom('tollgate_requests_total', 'Requests answered, by project, model, endpoint, HTTP status and cache result.', 'counter', () => counterValues(m.requests)),
      custom('tollgate_cache_lookups_total', 'Cache outcomes per project: result hit|miss|bypass|off, layer exact|semantic|none.', 'counter', () => counterValues(m.cacheLookups)),
      custom('tollgate_tokens_total', 'Tokens by project, model and kind (prompt, cached, completion).', 'counter', () => counterValues(m.tokens)),
      custom('tollgate_cost_usd_total', 'Spend in USD by project and model (priced models only).', 'counter', () => counterValues(m.costUsd)),
      custom('tollgate_saved_usd_total', 'USD saved by cache hits, by project and model.', 'counter', () => counterValues(m.savedUsd)),
      custom('tollgate_errors_total', 'Requests that ended in an error, by project and error code.', 'counter', () => counterValues(m.errors)),
      custom('tollgate_upstream_errors_total', 'Upstream failures (5xx, timeouts, resets, malformed answers) by provider and code.', 'counter', () => counterValues(m.upstreamErrors)),
      custom('tollgate_request_duration_seconds', 'Whole request, arrival to last byte.', 'histogram', () => histogramValues('tollgate_request_duration_seconds', m.duration)),
      custom('tollgate_time_to_first_byte_seconds', 'Streamed requests: arrival to first body byte sent.', 'histogram', () => histogramValues('tollgate_time_to_first_byte_seconds', m.ttfb)),
      custom('tollgate_stage_duration_seconds', 'Time spent in each pipeline stage.', 'histogram', () => histogramValues('tollgate_stage_duration_seconds', m.stages)),
      custom('tollgate_store_commit_seconds', 'Group commits of trace, spend and cache writes to SQLite; the event loop waits this long (WAL checkpoints run in a worker thread).', 'histogram', () => histogramValues('tollgate_store_commit_seconds', m.storeCommits)),
      custom('tollgate_in_flight_requests', 'Requests inside the pipeline now.', 'gauge', () => [{ labels: {}, value: src.inFlight() }]),
      custom('tollgate_budget_remaining_usd', 'Budget cap minus spend and open reservations, per project and period (projects with a cap only).', 'gauge',
        () => budgetValues(src.budgets())),
      custom('tollgate_budget_reserved_usd', 'Worst-case USD held by requests in flight, per project.', 'gauge',
        () => src.budgets().map((u) => ({ labels: { project: u.project }, value: u.reservedUsd }))),
    ];
    for (const metric of metrics) reg.registerMetric(metric as never);
    return reg;
  }

  return async function scrape(): Promise<{ contentType: string; body: string }> {
    registry ??= build();
    const reg = await registry;
    return { contentType: reg.contentType, body: await reg.metrics() };
  };
}

function budgetValues(usage: ProjectUsage[]): MetricValue[] {
  const out: MetricValue[] = [];
  for (const u of usage) {
    if (u.daily.remainingUsd !== null) out.push({ labels: { project: u.project, period: 'day' }, value: u.daily.remainingUsd });
    if (u.monthly.remainingUsd !== null) out.push({ labels: { project: u.project, period: 'month' }, value: u.monthly.remainingUsd });
  }
  return out;
}
