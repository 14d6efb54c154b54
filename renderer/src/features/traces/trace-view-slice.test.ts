import { beforeEach, describe, expect, it } from 'vitest';
import type { Trace } from '../../../../shared/api/dto';
import { createAppStore, type AppStore } from '../../store';
import { buildCostMath } from './cost-math';
import { EMPTY_TRACE_FILTERS, matchesTraceFilters, type TraceFilters } from './trace-view-slice';
import { tracesSelectors } from './traces-selectors';

function makeTrace(overrides: Partial<Trace>): Trace {
  return {
    id: 'id', ts: 1, project: 'default', endpoint: 'chat.completions', method: 'POST', path: '/v1/chat/completions',
    modelRequested: 'gpt-4o-mini', modelUsed: 'gpt-4o-mini', provider: 'openai', status: 200, stream: false,
    cache: 'miss', cacheLayer: null, cacheReason: null, cacheEntryId: null, latencyMs: 100, ttfbMs: 50,
    promptTokens: 1000, cachedTokens: 0, completionTokens: 500, reasoningTokens: null, costUsd: 0.00045, savedUsd: 0,
    usageEstimated: false, user: null, feature: null, tags: [], error: null, stages: [], downgradedFrom: null,
    attempts: [], routing: null, routingSavedUsd: null, cacheSimilarity: null, ...overrides,
  };
}

const filters = (f: Partial<TraceFilters>): TraceFilters => ({ ...EMPTY_TRACE_FILTERS, ...f });

describe('matchesTraceFilters', () => {
  it('matches a model whether it was requested or used', () => {
    const t = makeTrace({ modelRequested: 'fast', modelUsed: 'gpt-4o-mini' });
    expect(matchesTraceFilters(t, filters({ model: 'fast' }))).toBe(true);
    expect(matchesTraceFilters(t, filters({ model: 'gpt-4o-mini' }))).toBe(true);
    expect(matchesTraceFilters(t, filters({ model: 'gpt-4o' }))).toBe(false);
  });

  it('groups statuses: ok, errors (aborted included), 4xx, 5xx', () => {
    const ok = makeTrace({ status: 200 });
    const limited = makeTrace({ status: 429 });
    const failed = makeTrace({ status: 502 });
    const aborted = makeTrace({ status: 0 });
    const pick = (status: TraceFilters['status']) =>
      [ok, limited, failed, aborted].filter((t) => matchesTraceFilters(t, filters({ status }))).map((t) => t.status);
    expect(pick('ok')).toEqual([200]);
    expect(pick('error')).toEqual([429, 502, 0]);
    expect(pick('4xx')).toEqual([429]);
    expect(pick('5xx')).toEqual([502]);
    expect(pick('aborted')).toEqual([0]);
  });

  it('tells exact hits from semantic hits', () => {
    const exact = makeTrace({ cache: 'hit', cacheLayer: 'exact' });
    const semantic = makeTrace({ cache: 'hit', cacheLayer: 'semantic' });
    const miss = makeTrace({ cache: 'miss' });
    const pick = (cache: TraceFilters['cache']) =>
      [exact, semantic, miss].filter((t) => matchesTraceFilters(t, filters({ cache })));
    expect(pick('hit')).toEqual([exact, semantic]);
    expect(pick('hit-exact')).toEqual([exact]);
    expect(pick('hit-semantic')).toEqual([semantic]);
    expect(pick('miss')).toEqual([miss]);
  });

  it('searches text case-insensitively across user, feature, tags and error', () => {
    const t = makeTrace({ user: 'Alice', feature: 'summarize', tags: ['nightly'], error: 'budget_exceeded: cap reached' });
    for (const text of ['alice', 'SUMMAR', 'nightly', 'budget_exceeded']) {
      expect(matchesTraceFilters(t, filters({ text }))).toBe(true);
    }
    expect(matchesTraceFilters(t, filters({ text: 'bob' }))).toBe(false);
  });
});

describe('trace view state', () => {
  let store: AppStore;
  beforeEach(() => {
    store = createAppStore();
    store.getState().mergeLatestTraces({
      items: [makeTrace({ id: 'b', ts: 2, project: 'web' }), makeTrace({ id: 'a', ts: 1, project: 'batch' })],
      nextCursor: null,
    });
  });

  it('filters the visible rows and keeps the same array while nothing changed', () => {
    expect(tracesSelectors.visible(store.getState())).toBe(store.getState().traces);
    store.getState().setTraceFilter('project', 'batch');
    const first = tracesSelectors.visible(store.getState());
    expect(first.map((t) => t.id)).toEqual(['a']);
    expect(tracesSelectors.visible(store.getState())).toBe(first);
    expect(tracesSelectors.isFiltered(store.getState())).toBe(true);
    store.getState().resetTraceFilters();
    expect(tracesSelectors.visibleCount(store.getState())).toBe(2);
  });

  it('stops following new rows once a row is selected, and keeps following when the selection is cleared', () => {
    expect(tracesSelectors.isAutoScroll(store.getState())).toBe(true);
    store.getState().selectTrace('a');
    expect(tracesSelectors.selected(store.getState())?.id).toBe('a');
    expect(tracesSelectors.isAutoScroll(store.getState())).toBe(false);
    store.getState().setAutoScroll(true);
    store.getState().selectTrace(null);
    expect(tracesSelectors.isAutoScroll(store.getState())).toBe(true);
  });

  it('lists the projects and models among loaded rows for the filter menus', () => {
    expect(tracesSelectors.facets(store.getState())).toEqual({ projects: ['batch', 'web'], models: ['gpt-4o-mini'] });
  });
});

describe('buildCostMath', () => {
  const price = { input: 0.15, cachedInput: 0.075, output: 0.6, source: 'test', checked: '2026-01-01' };

  it('splits input into uncached and cached at their own prices', () => {
    const math = buildCostMath(makeTrace({ promptTokens: 1000, cachedTokens: 400, completionTokens: 500 }), price);
    expect(math?.lines.map((l) => [l.label, l.tokens, l.perMillion])).toEqual([
      ['input', 600, 0.15], ['cached input', 400, 0.075], ['output', 500, 0.6],
    ]);
    expect(math?.totalUsd).toBeCloseTo((600 * 0.15 + 400 * 0.075 + 500 * 0.6) / 1e6, 12);
  });

  it('bills cached input as input when the model has no cached price', () => {
    const math = buildCostMath(makeTrace({ promptTokens: 100, cachedTokens: 100, completionTokens: 0 }), { ...price, cachedInput: null });
    expect(math?.lines.find((l) => l.label === 'cached input')?.perMillion).toBe(0.15);
  });

  it('has nothing to show without usage or without a price', () => {
    expect(buildCostMath(makeTrace({ promptTokens: null }), price)).toBeNull();
    expect(buildCostMath(makeTrace({}), null)).toBeNull();
  });
});
