import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Trace } from '../../../../shared/api/dto';
import { createAppStore, type AppStore } from '../../store';
import { tracesSelectors } from './traces-selectors';
import { FLUSH_BATCH_SIZE, FLUSH_DELAY_MS, MAX_TRACE_ROWS, MIN_FLUSH_INTERVAL_MS, mergeNewestFirst } from './traces-slice';

function makeTrace(id: string, ts: number): Trace {
  return {
    id,
    ts,
    project: 'default',
    endpoint: 'chat.completions',
    method: 'POST',
    path: '/v1/chat/completions',
    modelRequested: 'gpt-4o-mini',
    modelUsed: 'gpt-4o-mini',
    provider: 'openai',
    status: 200,
    stream: false,
    cache: 'miss',
    cacheLayer: null,
    cacheReason: null,
    cacheEntryId: null,
    latencyMs: 120,
    ttfbMs: 80,
    promptTokens: 10,
    cachedTokens: 0,
    completionTokens: 5,
    reasoningTokens: null,
    costUsd: 0.0001,
    savedUsd: 0,
    usageEstimated: false,
    user: null,
    feature: null,
    tags: [],
    error: null,
    downgradedFrom: null,
    stages: [],
    attempts: [],
    routing: null,
    routingSavedUsd: null,
    cacheSimilarity: null,
  };
}

function makeTraces(count: number, firstTs: number, prefix = 't'): Trace[] {
  return Array.from({ length: count }, (_, i) => makeTrace(`${prefix}${i}`, firstTs + i));
}

const idsOf = (store: AppStore): string[] => tracesSelectors.all(store.getState()).map((t) => t.id);

let store: AppStore;

beforeEach(() => {
  vi.useFakeTimers();
  store = createAppStore();
});

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('appendTraces batching', () => {
  it('queues live traces and shows them newest first after the fallback delay', () => {
    store.getState().appendTraces([makeTrace('a', 1), makeTrace('b', 2)]);
    store.getState().appendTraces([makeTrace('c', 3)]);
    expect(tracesSelectors.count(store.getState())).toBe(0);

    vi.advanceTimersByTime(FLUSH_DELAY_MS - 1);
    expect(tracesSelectors.count(store.getState())).toBe(0);
    vi.advanceTimersByTime(1);
    expect(idsOf(store)).toEqual(['c', 'b', 'a']);
  });

  it('notifies subscribers once per flush, not once per trace', () => {
    const listener = vi.fn();
    store.subscribe(listener);
    for (let i = 0; i < 50; i++) store.getState().appendTraces([makeTrace(`t${i}`, i)]);
    vi.advanceTimersByTime(FLUSH_DELAY_MS);
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('flushes on the next animation frame when frames run, and only once', () => {
    const frames: FrameRequestCallback[] = [];
    vi.stubGlobal('requestAnimationFrame', (callback: FrameRequestCallback) => frames.push(callback));
    vi.stubGlobal('cancelAnimationFrame', vi.fn());
    const listener = vi.fn();
    store.subscribe(listener);

    store.getState().appendTraces([makeTrace('a', 1)]);
    expect(frames).toHaveLength(1);
    frames[0]?.(0);
    expect(idsOf(store)).toEqual(['a']);

    vi.advanceTimersByTime(FLUSH_DELAY_MS);
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('under a steady stream flushes at most every MIN_FLUSH_INTERVAL_MS, even when frames run', () => {
    const frames: FrameRequestCallback[] = [];
    vi.stubGlobal('requestAnimationFrame', (callback: FrameRequestCallback) => frames.push(callback));
    vi.stubGlobal('cancelAnimationFrame', vi.fn());

    store.getState().appendTraces([makeTrace('a', 1)]);
    frames[0]?.(0);
    expect(idsOf(store)).toEqual(['a']);

    store.getState().appendTraces([makeTrace('b', 2)]);
    expect(frames).toHaveLength(1);
    vi.advanceTimersByTime(MIN_FLUSH_INTERVAL_MS - 1);
    expect(idsOf(store)).toEqual(['a']);
    vi.advanceTimersByTime(1);
    expect(idsOf(store)).toEqual(['b', 'a']);

    // after a quiet spell the next trace goes out on the next frame again
    vi.advanceTimersByTime(MIN_FLUSH_INTERVAL_MS);
    store.getState().appendTraces([makeTrace('c', 3)]);
    expect(frames).toHaveLength(2);
  });

  it('caps each flush and schedules the rest', () => {
    const total = FLUSH_BATCH_SIZE * 2 + 500;
    store.getState().appendTraces(makeTraces(total, 0));

    vi.advanceTimersByTime(FLUSH_DELAY_MS);
    expect(tracesSelectors.count(store.getState())).toBe(FLUSH_BATCH_SIZE);
    expect(tracesSelectors.queuedCount(store.getState())).toBe(total - FLUSH_BATCH_SIZE);

    vi.advanceTimersByTime(FLUSH_DELAY_MS * 2);
    expect(tracesSelectors.count(store.getState())).toBe(total);
    expect(tracesSelectors.queuedCount(store.getState())).toBe(0);
    expect(idsOf(store)[0]).toBe(`t${total - 1}`);
  });

  it('holds live traces while paused and shows them on resume', () => {
    store.getState().setTracesPaused(true);
    store.getState().appendTraces([makeTrace('a', 1), makeTrace('b', 2)]);
    vi.advanceTimersByTime(FLUSH_DELAY_MS);
    expect(tracesSelectors.count(store.getState())).toBe(0);
    expect(tracesSelectors.queuedCount(store.getState())).toBe(2);

    store.getState().setTracesPaused(false);
    vi.advanceTimersByTime(FLUSH_DELAY_MS);
    expect(idsOf(store)).toEqual(['b', 'a']);
    expect(tracesSelectors.queuedCount(store.getState())).toBe(0);
  });
});

describe('ordering, uniqueness and the row cap', () => {
  it('drops traces it already has, whether they came live or from a page', () => {
    store.getState().appendTraces([makeTrace('a', 1), makeTrace('b', 2)]);
    vi.advanceTimersByTime(FLUSH_DELAY_MS);
    store.getState().mergeLatestTraces({ items: [makeTrace('b', 2), makeTrace('c', 0)], nextCursor: 'next' });
    store.getState().appendTraces([makeTrace('a', 1), makeTrace('d', 3), makeTrace('d', 3)]);
    vi.advanceTimersByTime(FLUSH_DELAY_MS);
    expect(idsOf(store)).toEqual(['d', 'b', 'a', 'c']);
  });

  it('places a late trace by its timestamp', () => {
    store.getState().mergeLatestTraces({ items: [makeTrace('new', 30), makeTrace('old', 10)], nextCursor: null });
    store.getState().appendTraces([makeTrace('late', 20), makeTrace('newest', 40)]);
    vi.advanceTimersByTime(FLUSH_DELAY_MS);
    expect(idsOf(store)).toEqual(['newest', 'new', 'late', 'old']);
  });

  it('keeps the first page cursor and appends older pages below', () => {
    store.getState().mergeLatestTraces({ items: [makeTrace('b', 2)], nextCursor: 'page-2' });
    store.getState().mergeLatestTraces({ items: [makeTrace('c', 3)], nextCursor: 'other' });
    expect(tracesSelectors.nextCursor(store.getState())).toBe('page-2');

    store.getState().appendOlderTraces({ items: [makeTrace('a', 1)], nextCursor: null });
    expect(idsOf(store)).toEqual(['c', 'b', 'a']);
    expect(tracesSelectors.hasOlder(store.getState())).toBe(false);
  });

  it(`keeps at most ${MAX_TRACE_ROWS} rows, dropping the oldest`, () => {
    const page = makeTraces(MAX_TRACE_ROWS, 1_000, 'old').reverse();
    store.getState().mergeLatestTraces({ items: page, nextCursor: 'more' });
    expect(tracesSelectors.count(store.getState())).toBe(MAX_TRACE_ROWS);

    store.getState().appendTraces(makeTraces(10, 1_000_000, 'new'));
    vi.advanceTimersByTime(FLUSH_DELAY_MS);
    const ids = idsOf(store);
    expect(ids).toHaveLength(MAX_TRACE_ROWS);
    expect(ids[0]).toBe('new9');
    expect(ids.at(-1)).toBe('old10');

    // a full table takes no older pages, and stops offering them
    store.getState().appendOlderTraces({ items: [makeTrace('old0', 1_000)], nextCursor: 'even-more' });
    expect(tracesSelectors.count(store.getState())).toBe(MAX_TRACE_ROWS);
    expect(tracesSelectors.byId('old0')(store.getState())).toBeUndefined();
    expect(tracesSelectors.hasOlder(store.getState())).toBe(false);
  });

  it('forgets everything on clearTraces', () => {
    store.getState().appendTraces([makeTrace('a', 1)]);
    store.getState().clearTraces();
    vi.advanceTimersByTime(FLUSH_DELAY_MS);
    expect(tracesSelectors.count(store.getState())).toBe(0);
    store.getState().appendTraces([makeTrace('a', 1)]);
    vi.advanceTimersByTime(FLUSH_DELAY_MS);
    expect(idsOf(store)).toEqual(['a']);
  });
});

describe('mergeNewestFirst', () => {
  it('interleaves two newest-first lists', () => {
    const newer = [makeTrace('n3', 3), makeTrace('n1', 1)];
    const older = [makeTrace('o4', 4), makeTrace('o2', 2), makeTrace('o0', 0)];
    expect(mergeNewestFirst(newer, older).map((t) => t.id)).toEqual(['o4', 'n3', 'o2', 'n1', 'o0']);
  });
});
