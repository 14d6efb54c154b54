import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors';
import { backoffMs, classifyFailure, DEFAULT_RETRY, readClientBudgetMs, readRetryAfterMs } from './retry-policy';

const upstream = (status: number, headers: Record<string, string> = {}) =>
  new GatewayError(status >= 500 ? 502 : status, 'upstream_error', 'upstream_error', `HTTP ${status}`, { headers });

describe('classifyFailure', () => {
  it('retries what may pass next time, falls through what this target cannot do, stops on the request’s own faults', () => {
    for (const s of [408, 409, 429, 500, 502, 503, 504, 529]) expect(classifyFailure(upstream(s), s)).toBe('retry');
    for (const s of [401, 403, 404]) expect(classifyFailure(upstream(s), s)).toBe('next');
    for (const s of [400, 413, 422]) expect(classifyFailure(upstream(s), s)).toBe('stop');
    expect(classifyFailure(upstream(503, { 'x-should-retry': 'false' }), 503)).toBe('next');
  });

  it('tells refused connections (next) from resets and timeouts (retry)', () => {
    const net = (code: string, detail: string) => new GatewayError(code === 'upstream_timeout' ? 504 : 502, 'upstream_error', code as 'upstream_timeout', detail);
    expect(classifyFailure(net('upstream_unavailable', 'Could not reach the upstream (ECONNREFUSED)'), null)).toBe('next');
    expect(classifyFailure(net('upstream_unavailable', 'Could not reach the upstream (ECONNRESET)'), null)).toBe('retry');
    expect(classifyFailure(net('upstream_timeout', 'no headers within 10 ms'), null)).toBe('retry');
    expect(classifyFailure(new GatewayError(499, 'invalid_request_error', 'invalid_request', 'gone'), null)).toBe('stop');
  });
});

describe('readRetryAfterMs', () => {
  it('reads retry-after-ms first, then seconds, then an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(readRetryAfterMs({ 'retry-after-ms': '250', 'retry-after': '9' }, now)).toBe(250);
    expect(readRetryAfterMs({ 'retry-after': '2' }, now)).toBe(2000);
    expect(readRetryAfterMs({ 'retry-after': 'Thu, 01 Jan 2026 00:00:03 GMT' }, now)).toBe(3000);
    expect(readRetryAfterMs({ 'retry-after': 'soon' }, now)).toBeNull();
    expect(readRetryAfterMs({}, now)).toBeNull();
  });
});

describe('backoffMs', () => {
  it('doubles per attempt within the upper half of its ceiling, capped', () => {
    const opts = { ...DEFAULT_RETRY, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffMs(0, opts, () => 0)).toBe(50);
    expect(backoffMs(0, opts, () => 1)).toBe(100);
    expect(backoffMs(2, opts, () => 0.5)).toBe(300);
    expect(backoffMs(10, opts, () => 1)).toBe(1000);
  });
});

describe('readClientBudgetMs', () => {
  it("uses the client's own deadline, capped by the gateway's retry window", () => {
    const opts = { ...DEFAULT_RETRY, maxWaitMs: 30_000 };
    expect(readClientBudgetMs({ 'x-tollgate-timeout-ms': '1500' }, opts)).toBe(1500);
    expect(readClientBudgetMs({ 'x-stainless-timeout': '10' }, opts)).toBe(10_000);
    expect(readClientBudgetMs({ 'x-stainless-timeout': '600' }, opts)).toBe(30_000);
    expect(readClientBudgetMs({}, opts)).toBe(30_000);
  });
});
