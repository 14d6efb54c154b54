import { describe, expect, it, vi } from 'vitest';
import type { Trace } from '../../shared/api/dto';
import { createAccessLog } from './access-log';

const trace = (over: Partial<Trace>): Trace => ({
  id: 't', ts: Date.now(), project: 'support', endpoint: 'chat.completions', method: 'POST', path: '/v1/chat/completions',
  modelRequested: 'gpt-4o-mini', modelUsed: 'gpt-4o-mini', provider: 'openai', status: 200, stream: false, cache: 'miss',
  cacheLayer: null, cacheReason: null, cacheEntryId: null, latencyMs: 12.34, ttfbMs: 12, promptTokens: 10, cachedTokens: 0,
  completionTokens: 5, reasoningTokens: 0, costUsd: 0.00061, savedUsd: 0, usageEstimated: false, user: null, feature: null,
  tags: [], error: null, stages: [], attempts: [], routing: null, routingSavedUsd: null,
  downgradedFrom: null, cacheSimilarity: null,
  ...over,
});

describe('access log', () => {
  it('writes one line per request, in a batch', () => {
    vi.useFakeTimers();
    const write = vi.fn();
    const log = createAccessLog(write);
    log.add(trace({}));
    log.add(trace({ cache: 'hit', costUsd: 0, savedUsd: 0.0143, latencyMs: 0.2 }));
    log.add(trace({ status: 502, error: 'upstream_error: openai error (HTTP 500): boom', costUsd: null, promptTokens: null }));
    expect(write).not.toHaveBeenCalled();
    vi.advanceTimersByTime(250);
    expect(write).toHaveBeenCalledTimes(1);
    const lines = (write.mock.calls[0]![0] as string).trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/support\s+200\s+miss\s+12\.3ms\s+gpt-4o-mini\s+\$0\.00061$/);
    expect(lines[1]).toMatch(/hit .*saved \$0\.0143$/);
    expect(lines[2]).toMatch(/502 .*upstream_error: openai error \(HTTP 500\): boom$/);
    vi.useRealTimers();
  });

  it('writes one JSON object per line with --log-format json', () => {
    const write = vi.fn();
    const log = createAccessLog(write, 'json');
    log.add(trace({ status: 502, error: 'upstream_error: boom', costUsd: null }));
    log.add(trace({ cache: 'hit', savedUsd: 0.01 }));
    log.flush();
    const lines = (write.mock.calls[0]![0] as string).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ level: 'error', msg: 'request', traceId: 't', project: 'support', status: 502, error: 'upstream_error: boom', costUsd: null });
    expect(lines[1]).toMatchObject({ level: 'info', cache: 'hit', savedUsd: 0.01 });
    expect(Object.keys(lines[0]!)).not.toContain('requestBody');
  });

  it('sums up the rest of a busy batch in one text line, still printing errors; JSON keeps every line', () => {
    const write = vi.fn();
    const log = createAccessLog(write);
    for (let i = 0; i < 120; i++) log.add(trace({ costUsd: 0.01 }));
    log.add(trace({ status: 502, error: 'upstream_error: boom' }));
    log.flush();
    const lines = (write.mock.calls[0]![0] as string).trim().split('\n');
    expect(lines).toHaveLength(52);
    expect(lines[50]).toMatch(/502 .*upstream_error: boom$/);
    expect(lines[51]).toBe('… 70 more requests ($0.7000) not shown: see the dashboard, or --log-format json for every line');
    log.add(trace({}));
    log.flush();
    expect((write.mock.calls[1]![0] as string).trim().split('\n')).toHaveLength(1); // the count starts over each batch

    const json = vi.fn();
    const all = createAccessLog(json, 'json');
    for (let i = 0; i < 120; i++) all.add(trace({}));
    all.flush();
    expect((json.mock.calls[0]![0] as string).trim().split('\n')).toHaveLength(120);
  });
});
