import Database from 'better-sqlite3';
import { expect, it } from 'vitest';
import type { SemanticMatch, Trace } from '../../../../shared/api/dto';
import { migrate } from '../migrate';
import { createTracesRepo } from './traces-repo';

it('stores every field of a trace in its own column and reads it back unchanged', () => {
  const db = new Database(':memory:');
  migrate(db);
  const repo = createTracesRepo(db);
  // every field distinct and non-default, so a value bound to the wrong column shows
  const trace: Trace = {
    id: 'tr_1', ts: 1_700_000_000_001, project: 'shop', endpoint: 'chat.completions', method: 'POST', path: '/v1/chat/completions',
    modelRequested: 'fast', modelUsed: 'gpt-4o-mini', provider: 'openai', status: 201, stream: true, cache: 'hit', cacheLayer: 'semantic',
    cacheReason: 'why', cacheEntryId: 'ce_1', latencyMs: 12.5, ttfbMs: 3.25, promptTokens: 11, cachedTokens: 2, completionTokens: 13,
    reasoningTokens: 4, costUsd: 0.5, savedUsd: 0.25, usageEstimated: true, user: 'ann', feature: 'search', tags: ['a', 'b'],
    error: 'oops', stages: [{ stage: 'ingress', ms: 0.1 }], downgradedFrom: 'gpt-4o',
    attempts: [{ target: 'openai/gpt-4o-mini', provider: 'openai', status: 201, error: null, ms: 1, waitMs: 2, outcome: 'ok' }],
    routing: { rule: 'complexity', tier: 'cheap', score: 0.2, reason: 'short' } as unknown as Trace['routing'], routingSavedUsd: 0.125,
    cacheSimilarity: 0.97,
  };
  const match = { entryId: 'ce_1', prompt: 'p', similarity: 0.97 } as unknown as SemanticMatch;
  repo.insert(trace, { requestHeaders: { a: '1' }, responseHeaders: { b: '2' }, requestBody: '{"q":1}', responseBody: 'plain', streamedText: 'st' }, match);
  const got = repo.get('tr_1')!;
  expect({ ...got, requestHeaders: undefined, responseHeaders: undefined, request: undefined, response: undefined, streamedText: undefined, cacheMatch: undefined, bodiesKept: undefined })
    .toEqual({ ...trace, requestHeaders: undefined, responseHeaders: undefined, request: undefined, response: undefined, streamedText: undefined, cacheMatch: undefined, bodiesKept: undefined });
  expect(got).toMatchObject({ requestHeaders: { a: '1' }, responseHeaders: { b: '2' }, request: { q: 1 }, response: 'plain', streamedText: 'st', cacheMatch: match, bodiesKept: true });
  expect(repo.list({}).items).toEqual([trace]);
});
