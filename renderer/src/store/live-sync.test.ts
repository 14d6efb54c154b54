import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Page, Project, Trace } from '../../../shared/api/dto';
import type { AdminEvent } from '../../../shared/api/events';
import type { AdminClient } from '../lib/admin-client';
import { FLUSH_DELAY_MS } from '../features/traces/traces-slice';
import { createAppStore, type AppStore } from './index';
import { searchOlderMatches, startLiveSync, stopLiveSync } from './live-sync';
import { tracesSelectors } from '../features/traces/traces-selectors';

function makeProject(slug: string): Project {
  return {
    slug, name: slug, cachePolicy: 'deterministic', cacheTtlSec: 0, cacheVersion: 1, createdAt: 0,
    budget: { dailyUsd: 1, monthlyUsd: null, mode: 'block' }, limits: { rpm: null, tpm: null, concurrency: null },
    spend: { todayUsd: 0, monthUsd: 0 }, semantic: { enabled: false, strictness: 'balanced', embedder: 'auto', allowModelDownload: false }, keepBodies: true,
  };
}

function makeTrace(id: string, project: string): Trace {
  return {
    id, ts: 1, project, endpoint: 'chat.completions', method: 'POST', path: '/v1/chat/completions', modelRequested: 'm',
    modelUsed: 'm', provider: 'openai', status: 200, stream: false, cache: 'miss', cacheLayer: null, cacheReason: null,
    cacheEntryId: null, latencyMs: 1, ttfbMs: 1, promptTokens: 1, cachedTokens: 0, completionTokens: 1, reasoningTokens: null,
    costUsd: 0.001, savedUsd: 0, usageEstimated: false, user: null, feature: null, tags: [], error: null, stages: [],
    downgradedFrom: null, attempts: [], routing: null, routingSavedUsd: null, cacheSimilarity: null,
  };
}

/** An admin client whose event stream the test drives by hand. */
function fakeClient(projects: Project[]) {
  let emit: (event: AdminEvent) => void = () => undefined;
  const client = {
    subscribeEvents: (onEvent: (e: AdminEvent) => void, signal: AbortSignal, hooks: { onStatus?(s: string): void }) => {
      emit = onEvent;
      hooks.onStatus?.('live');
      return new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
    },
    health: vi.fn(async () => ({ ok: true, version: 't', proxyUrl: 'http://127.0.0.1:1/v1', adminUrl: 'http://127.0.0.1:2', uptimeSec: 1 })),
    listTraces: vi.fn(async (_q?: unknown): Promise<Page<Trace>> => ({ items: [], nextCursor: null })),
    listProjects: vi.fn(async () => ({ items: projects })),
    spend: vi.fn(async () => ({ items: [] })),
  };
  return { client: client as unknown as AdminClient, mock: client, emit: (e: AdminEvent) => emit(e) };
}

let store: AppStore;
beforeEach(() => {
  vi.useFakeTimers();
  store = createAppStore();
});
afterEach(() => {
  stopLiveSync();
  vi.useRealTimers();
});

describe('live sync', () => {
  it('loads health, traces and projects once live, then applies spend events to the project', async () => {
    const fake = fakeClient([makeProject('web')]);
    startLiveSync(store, fake.client);
    await vi.waitFor(() => expect(store.getState().projectsLoad).toBe('loaded'));
    expect(store.getState().connection.status).toBe('live');
    fake.emit({ type: 'spend', project: 'web', todayUsd: 0.5, monthUsd: 2 });
    expect(store.getState().projects[0]?.spend).toEqual({ todayUsd: 0.5, monthUsd: 2 });
  });

  it('queues traces for the table and reloads projects when a trace names a project it has not seen', async () => {
    const fake = fakeClient([makeProject('web')]);
    startLiveSync(store, fake.client);
    await vi.waitFor(() => expect(store.getState().projectsLoad).toBe('loaded'));
    const loads = fake.mock.listProjects.mock.calls.length;
    fake.emit({ type: 'trace', trace: makeTrace('a', 'web') });
    fake.emit({ type: 'trace', trace: makeTrace('b', 'brand-new') });
    fake.emit({ type: 'trace', trace: makeTrace('c', 'brand-new') });
    await vi.advanceTimersByTimeAsync(FLUSH_DELAY_MS);
    expect(store.getState().traces.map((t) => t.id).sort()).toEqual(['a', 'b', 'c']);
    // one reload for the burst, not one per trace
    expect(fake.mock.listProjects.mock.calls.length).toBe(loads + 1);
  });

  it('turns a budget alert into a toast that says which cap and how much', async () => {
    const fake = fakeClient([makeProject('web')]);
    startLiveSync(store, fake.client);
    await vi.waitFor(() => expect(store.getState().projectsLoad).toBe('loaded'));
    fake.emit({ type: 'budget-alert', project: 'web', period: 'daily', threshold: 100, spentUsd: 1, capUsd: 1, resetAt: 0, ts: 0 });
    expect(store.getState().toast).toMatchObject({ kind: 'error', text: 'web reached 100% of its daily cap: $1.00 of $1.00.' });
    fake.emit({ type: 'budget-alert', project: 'web', period: 'monthly', threshold: 80, spentUsd: 8, capUsd: 10, resetAt: 0, ts: 0 });
    expect(store.getState().toast).toMatchObject({ kind: 'info', text: 'web reached 80% of its monthly cap: $8.00 of $10.00.' });
    fake.emit({ type: 'budget-alert', project: 'web', scope: 'user', scopeKey: 'alice', period: 'daily', threshold: 50, spentUsd: 0.5, capUsd: 1, resetAt: 0, ts: 0 });
    expect(store.getState().toast).toMatchObject({ kind: 'info', text: 'web: user alice reached 50% of the per-user daily cap: $0.5000 of $1.00.' });
  });
});

describe('searching older matches', () => {
  it('asks the gateway with the filters below the loaded rows, appends pages, and shows them after the loaded matches', async () => {
    const fake = fakeClient([]);
    store.getState().mergeLatestTraces({ items: [makeTrace('new-web', 'web'), makeTrace('new-api', 'api')], nextCursor: '100' });
    await searchOlderMatches(store, fake.client);
    expect(fake.mock.listTraces).not.toHaveBeenCalled(); // no filter, nothing to search for

    store.getState().setTraceFilter('project', 'web');
    store.getState().setTraceFilter('status', '5xx');
    store.getState().setTraceFilter('text', '  timeout ');
    fake.mock.listTraces.mockResolvedValueOnce({ items: [makeTrace('old-web-1', 'web')], nextCursor: '40' });
    await searchOlderMatches(store, fake.client);
    expect(fake.mock.listTraces).toHaveBeenLastCalledWith({ project: 'web', model: undefined, status: '5xx', cache: undefined, q: 'timeout', limit: 200, cursor: '100' });
    fake.mock.listTraces.mockResolvedValueOnce({ items: [makeTrace('old-web-2', 'web')], nextCursor: null });
    await searchOlderMatches(store, fake.client);
    expect(fake.mock.listTraces).toHaveBeenLastCalledWith(expect.objectContaining({ cursor: '40' }));
    expect(tracesSelectors.canSearchOlder(store.getState())).toBe(false);

    store.getState().setTraceFilter('status', '');
    store.getState().setTraceFilter('text', '');
    expect(tracesSelectors.visible(store.getState()).map((t) => t.id)).toEqual(['new-web']); // filters changed: search starts over
    store.getState().setTraceFilter('model', 'm');
    fake.mock.listTraces.mockResolvedValueOnce({ items: [makeTrace('old-web-3', 'web')], nextCursor: '7' });
    await searchOlderMatches(store, fake.client);
    expect(tracesSelectors.visible(store.getState()).map((t) => t.id)).toEqual(['new-web', 'old-web-3']);
    expect(tracesSelectors.canSearchOlder(store.getState())).toBe(true);
  });

  it('drops an answer that arrives after the filters changed', async () => {
    const fake = fakeClient([]);
    store.getState().mergeLatestTraces({ items: [makeTrace('a', 'web')], nextCursor: '9' });
    store.getState().setTraceFilter('project', 'web');
    let answer: (p: { items: Trace[]; nextCursor: string | null }) => void = () => undefined;
    fake.mock.listTraces.mockReturnValueOnce(new Promise((r) => { answer = r; }));
    const pending = searchOlderMatches(store, fake.client);
    store.getState().setTraceFilter('project', 'api');
    answer({ items: [makeTrace('stale', 'web')], nextCursor: null });
    await pending;
    expect(store.getState().olderMatches.rows).toEqual([]);
  });
});
