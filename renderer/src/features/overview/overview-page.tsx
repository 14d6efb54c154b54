import { useEffect, useMemo, useRef } from 'react';
import uPlot from 'uplot';
import { useShallow } from 'zustand/react/shallow';
import type { SpendRow } from '../../../../shared/api/dto';
import type { Overview } from '../../../../shared/api/dashboard';
import { formatUsd } from '../../../../shared/cost';
import { CHART_COLOURS, darkAxis, UPlotChart } from '../../components/uplot-chart';
import { formatCount, formatPercent } from '../../lib/format';
import { useAppStore } from '../../store';
import { loadOverview } from './overview-actions';
import { overviewSelectors, toHitRateSeries, toProjectSeries } from './overview-slice';

const PERIODS = [7, 30, 90];
const REFRESH_MS = 10_000;

export function OverviewPage() {
  const { overview, days, load, error } = useAppStore(
    useShallow((s) => ({ overview: overviewSelectors.data(s), days: overviewSelectors.days(s), load: overviewSelectors.load(s), error: overviewSelectors.error(s) })),
  );
  const setDays = useAppStore((s) => s.setOverviewDays);
  useEffect(() => {
    void loadOverview();
    const timer = setInterval(() => void loadOverview(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [days]);

  return (
    <section className="page">
      <div className="toolbar">
        <h1>Overview</h1>
        <span className="dim mono">{overview ? `${overview.from} → ${overview.to}` : ''}</span>
        <span className="spacer" />
        <div className="segmented" role="group" aria-label="Period">
          {PERIODS.map((d) => (
            <button key={d} type="button" className={`seg ${d === days ? 'on' : ''}`} aria-pressed={d === days} onClick={() => setDays(d)}>
              {d} d
            </button>
          ))}
        </div>
      </div>
      <div className="page-scroll">
        {load === 'error' && <p className="error-box">Could not load the overview: {error}</p>}
        {overview && <OverviewBody overview={overview} />}
      </div>
    </section>
  );
}

function OverviewBody({ overview }: { overview: Overview }) {
  const { totals, today } = overview;
  return (
    <>
      <div className="kpis">
        <Kpi label="Spent today" value={formatUsd(today.costUsd)} sub={`${formatCount(today.requests)} requests`} />
        <Kpi label={`Spent, ${overview.days.length} d`} value={formatUsd(totals.costUsd)} sub={`${formatCount(totals.requests)} requests`} />
        <Kpi
          label="Saved by the cache" value={formatUsd(totals.savedUsd)} tone="ok"
          sub={`today ${formatUsd(today.savedUsd)} · semantic ${formatUsd(totals.semanticSavedUsd)}`}
        />
        <Kpi
          label="Hit rate" value={formatPercent(totals.requests ? totals.cacheHits / totals.requests : null, 1)}
          sub={`${formatCount(totals.cacheHits)} ${totals.cacheHits === 1 ? 'hit' : 'hits'} · ${formatCount(totals.semanticHits)} semantic`}
        />
        <Kpi
          label="Unpriced"
          value={formatCount(totals.unpricedRequests)}
          sub="requests with no known price"
          tone={totals.unpricedRequests > 0 ? 'warn' : undefined}
        />
      </div>
      <div className="charts">
        <ChartCard title="Spend per day by project">
          <SpendChart overview={overview} />
        </ChartCard>
        <ChartCard title="Savings and hit rate per day">
          <SavingsChart overview={overview} />
        </ChartCard>
      </div>
      <div className="tops">
        <TopTable title="Top models" rows={overview.topModels} empty="No model used yet." />
        <TopTable title="Top users" rows={overview.topUsers} empty="Send `user` or x-tollgate-user to see spend per end-user." />
        <TopTable title="Top features" rows={overview.topFeatures} empty="Send x-tollgate-feature to see spend per feature." />
      </div>
    </>
  );
}

function Kpi({ label, value, sub, tone }: { label: string; value: string; sub: string; tone?: 'ok' | 'warn' }) {
  return (
    <div className="kpi">
      <div className="kpi-label">{label}</div>
      <div className={`kpi-value mono ${tone ?? ''}`}>{value}</div>
      <div className="kpi-sub dim">{sub}</div>
    </div>
  );
}

function ChartCard({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section className="card">
      <h3>{title}</h3>
      {children}
    </section>
  );
}

/** Local midnight of a YYYY-MM-DD day, in seconds (uPlot's time unit). */
function dayToSeconds(day: string): number {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y ?? 1970, (m ?? 1) - 1, d ?? 1).getTime() / 1000;
}

const usdAxis = (u: uPlot, values: number[]) => values.map((v) => formatUsd(v));

/** Daily bars stacked by project: series k holds the sum of projects k..n, drawn tallest first. */
function SpendChart({ overview }: { overview: Overview }) {
  const series = useMemo(() => toProjectSeries(overview, 'costUsd').slice(0, CHART_COLOURS.length), [overview]);
  const labels = series.map((s) => s.label).join('\n');
  const rawRef = useRef(series);
  rawRef.current = series;
  const options = useMemo(
    () => (width: number): uPlot.Options => ({
      width,
      height: 220,
      legend: { show: true },
      cursor: { points: { show: false } },
      scales: { x: { time: true } },
      axes: [darkAxis(), darkAxis({ values: usdAxis, size: 80 })],
      series: [
        {},
        ...labels.split('\n').filter(Boolean).map((label, i) => ({
          label,
          stroke: CHART_COLOURS[i % CHART_COLOURS.length],
          fill: CHART_COLOURS[i % CHART_COLOURS.length],
          width: 0,
          points: { show: false },
          paths: BARS,
          // the legend shows the project's own spend, not the stacked height
          value: (_u: uPlot, _v: number | null, _s: number, idx: number | null) =>
            idx === null ? '—' : formatUsd(rawRef.current[i]?.values[idx] ?? 0),
        })),
      ],
    }),
    [labels],
  );
  const data = useMemo((): uPlot.AlignedData => {
    const stacked = series.map((_, k) => overview.days.map((__, d) => series.slice(k).reduce((sum, s) => sum + (s.values[d] ?? 0), 0)));
    return [overview.days.map(dayToSeconds), ...stacked];
  }, [overview, series]);
  if (series.length === 0) return <p className="dim small pad">No spend in this period yet.</p>;
  return <UPlotChart options={options} data={data} label="Spend per day by project" />;
}

const BARS = uPlot.paths.bars?.({ size: [0.7, 28] });

function SavingsChart({ overview }: { overview: Overview }) {
  const data = useMemo((): uPlot.AlignedData => {
    const saved = new Array<number>(overview.days.length).fill(0);
    const index = new Map(overview.days.map((d, i) => [d, i]));
    for (const p of overview.series) {
      const i = index.get(p.day);
      if (i !== undefined) saved[i] = (saved[i] ?? 0) + p.savedUsd;
    }
    return [overview.days.map(dayToSeconds), saved, toHitRateSeries(overview)];
  }, [overview]);
  const options = useMemo(
    () => (width: number): uPlot.Options => ({
      width,
      height: 220,
      scales: { x: { time: true }, pct: { range: [0, 1] } },
      axes: [darkAxis(), darkAxis({ values: usdAxis, size: 80 }), darkAxis({ scale: 'pct', side: 1, grid: { show: false }, values: (_u, vs) => vs.map((v) => formatPercent(v)) })],
      series: [
        {},
        { label: 'saved', stroke: '#4cc38a', fill: '#4cc38a', width: 0, paths: BARS, points: { show: false }, value: (_u, v) => (v === null ? '—' : formatUsd(v)) },
        { label: 'hit rate', scale: 'pct', stroke: '#b58cff', width: 1.5, spanGaps: true, points: { size: 5 }, value: (_u, v) => formatPercent(v, 1) },
      ],
    }),
    [],
  );
  if (overview.series.length === 0) return <p className="dim small pad">No requests in this period yet.</p>;
  return <UPlotChart options={options} data={data} label="Savings and hit rate per day" />;
}

function TopTable({ title, rows, empty }: { title: string; rows: SpendRow[]; empty: string }) {
  const max = Math.max(...rows.map((r) => r.costUsd), 0);
  return (
    <section className="card">
      <h3>{title}</h3>
      {rows.length === 0 ? (
        <p className="dim small">{empty}</p>
      ) : (
        <table className="kv top-table" aria-label={title}>
          <thead>
            <tr><th /><th className="num">Requests</th><th className="num">Cost</th><th className="num">Saved</th></tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.key}>
                <th className="mono ellipsis" title={r.key}>
                  <span className="bar-bg" style={{ width: `${max > 0 ? (r.costUsd / max) * 100 : 0}%` }} />
                  {r.key}
                </th>
                <td className="num mono">{formatCount(r.requests)}</td>
                <td className="num mono">{formatUsd(r.costUsd)}</td>
                <td className="num mono saved">{r.savedUsd > 0 ? formatUsd(r.savedUsd) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
