import Database from 'better-sqlite3';
import { expect, it } from 'vitest';
import { migrate } from '../migrate';
import { createCacheRepo } from './cache-repo';
import { createSemanticRepo } from './semantic-repo';

it('pages through a project\'s vectors of one embedder: every row once, in insertion order, others left out', () => {
  const db = new Database(':memory:');
  migrate(db);
  const cache = createCacheRepo(db);
  const repo = createSemanticRepo(db);
  const add = (id: string, project: string, embedder: string) => {
    cache.insert({
      id, project, namespace: `${project}:v1`, endpoint: 'chat.completions', model: 'm', prompt: id, requestJson: '{}',
      responseBody: Buffer.from('{}'), usageJson: null, costUsd: null, tags: [], createdAt: 1, expiresAt: null,
    });
    repo.insert({ entryId: id, contextKey: 'ctx', embedder, text: id, vector: new Float32Array([1, 0]) });
  };
  for (let i = 0; i < 25; i++) add(`a${i}`, 'shop', i % 5 === 4 ? 'other@1' : 'use-lite@1');
  add('b0', 'blog', 'use-lite@1');
  cache.remove('a3');

  const seen: string[] = [];
  let cursor = 0;
  for (;;) {
    const page = repo.pageForProject('shop', 'use-lite@1', cursor, 7);
    if (!page.rows.length) break;
    expect(page.rows.length).toBeLessThanOrEqual(7);
    seen.push(...page.rows.map((r) => r.entryId));
    cursor = page.cursor;
  }
  const expected = Array.from({ length: 25 }, (_, i) => i).filter((i) => i % 5 !== 4 && i !== 3).map((i) => `a${i}`);
  expect(seen).toEqual(expected);
  expect(repo.listForProject('shop', 'use-lite@1').map((r) => r.entryId).sort()).toEqual([...expected].sort());
  expect(repo.listEmbedders('shop').sort()).toEqual(['other@1', 'use-lite@1']);
  expect(repo.listEntryIds().has('a3')).toBe(false);
  expect(repo.listEntryIds().has('b0')).toBe(true);
});
