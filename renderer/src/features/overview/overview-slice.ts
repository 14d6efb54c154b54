import type { StateCreator } from 'zustand';
import type { Overview } from '../../../../shared/api/dashboard';
import type { AppState } from '../../store';
import type { LoadState } from '../projects/projects-slice';

export interface OverviewSlice {
  overview: Overview | null;
  overviewDays: number;
  overviewLoad: LoadState;
  overviewError: string | null;
  setOverview(overview: Overview): void;
  setOverviewDays(days: number): void;
  setOverviewLoad(load: LoadState, error?: string | null): void;
}

export const initialOverviewState = {
  overview: null as Overview | null,
  overviewDays: 30,
  overviewLoad: 'idle' as LoadState,
  overviewError: null as string | null,
};

export const createOverviewSlice: StateCreator<AppState, [], [], OverviewSlice> = (set) => ({
  ...initialOverviewState,
  setOverview: (overview) => set({ overview, overviewLoad: 'loaded', overviewError: null }),
  setOverviewDays: (overviewDays) => set({ overviewDays }),
  setOverviewLoad: (overviewLoad, overviewError = null) => set({ overviewLoad, overviewError }),
});

export interface ChartSeries {
  label: string;
  values: number[];
}

/** Per-project daily values aligned to `overview.days`, biggest total first; zero where a day had nothing. */
export function toProjectSeries(overview: Overview, pick: 'costUsd' | 'savedUsd' | 'requests'): ChartSeries[] {
  const index = new Map(overview.days.map((d, i) => [d, i]));
  const byProject = new Map<string, number[]>();
  for (const p of overview.series) {
    const i = index.get(p.day);
    if (i === undefined) continue;
    let values = byProject.get(p.project);
    if (!values) {
      values = new Array<number>(overview.days.length).fill(0);
      byProject.set(p.project, values);
    }
    values[i] = (values[i] ?? 0) + p[pick];
  }
  return [...byProject.entries()]
    .map(([label, values]) => ({ label, values, total: values.reduce((a, b) => a + b, 0) }))
    .sort((a, b) => b.total - a.total || a.label.localeCompare(b.label))
    .map(({ label, values }) => ({ label, values }));
}

/** Daily cache hit rate over all projects (0..1), null on days without requests. */
export function toHitRateSeries(overview: Overview): Array<number | null> {
  const requests = new Array<number>(overview.days.length).fill(0);
  const hits = new Array<number>(overview.days.length).fill(0);
  const index = new Map(overview.days.map((d, i) => [d, i]));
  for (const p of overview.series) {
    const i = index.get(p.day);
    if (i === undefined) continue;
    requests[i] = (requests[i] ?? 0) + p.requests;
    hits[i] = (hits[i] ?? 0) + p.cacheHits;
  }
  return requests.map((r, i) => (r === 0 ? null : (hits[i] ?? 0) / r));
}

export const overviewSelectors = {
  data: (s: AppState) => s.overview,
  days: (s: AppState) => s.overviewDays,
  load: (s: AppState) => s.overviewLoad,
  error: (s: AppState) => s.overviewError,
};
