import { describe, expect, it } from 'vitest';
import type { Overview } from '../../../../shared/api/dashboard';
import { toHitRateSeries, toProjectSeries } from './overview-slice';

const zero = { costUsd: 0, savedUsd: 0, requests: 0, cacheHits: 0, unpricedRequests: 0, semanticHits: 0, semanticSavedUsd: 0 };
const overview: Overview = {
  from: '2026-12-01', to: '2026-12-03', days: ['2026-12-01', '2026-12-02', '2026-12-03'],
  series: [
    { day: '2026-12-01', project: 'web', costUsd: 1, savedUsd: 0.5, requests: 4, cacheHits: 1 },
    { day: '2026-12-03', project: 'web', costUsd: 2, savedUsd: 0, requests: 2, cacheHits: 0 },
    { day: '2026-12-03', project: 'api', costUsd: 5, savedUsd: 1, requests: 2, cacheHits: 2 },
  ],
  totals: zero, today: zero, topModels: [], topUsers: [], topFeatures: [],
};

describe('overview series', () => {
  it('aligns each project to every day, zero on days without spend, biggest spender first', () => {
    expect(toProjectSeries(overview, 'costUsd')).toEqual([
      { label: 'api', values: [0, 0, 5] },
      { label: 'web', values: [1, 0, 2] },
    ]);
  });

  it('computes the daily hit rate over all projects, null on days without requests', () => {
    expect(toHitRateSeries(overview)).toEqual([0.25, null, 0.5]);
  });
});
