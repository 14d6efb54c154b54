import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../store/migrate';
import { createSpendRepo } from '../store/repos/spend-repo';
import { createSpendTracker } from './spend-tracker';

const at = (y: number, m: number, d: number, h = 12) => new Date(y, m - 1, d, h).getTime();

function setup(start: number) {
  const db = new Database(':memory:');
  migrate(db);
  let clock = start;
  const repo = createSpendRepo(db);
  return { db, repo, setClock: (t: number) => { clock = t; }, now: () => clock };
}

describe('spend tracker', () => {
  it('adds up per project and rolls over at local midnight and month start', () => {
    const s = setup(at(2026, 3, 30, 23));
    const t = createSpendTracker(s.repo, s.now);
    expect(t.add('a', 1.5, at(2026, 3, 30, 23))).toEqual({ todayUsd: 1.5, monthUsd: 1.5 });
    t.add('b', 9, at(2026, 3, 30, 23));
    s.setClock(at(2026, 3, 31, 0));
    expect(t.get('a')).toEqual({ todayUsd: 0, monthUsd: 1.5 });
    expect(t.add('a', 2, at(2026, 3, 31, 1))).toEqual({ todayUsd: 2, monthUsd: 3.5 });
    s.setClock(at(2026, 4, 1, 0));
    expect(t.get('a')).toEqual({ todayUsd: 0, monthUsd: 0 });
    expect(t.get('b')).toEqual({ todayUsd: 0, monthUsd: 0 });
  });

  it('starts from what the database already holds', () => {
    const s = setup(at(2026, 5, 10));
    s.repo.add({ project: 'p', ts: at(2026, 5, 10, 8), costUsd: 0.25, savedUsd: 0, cache: 'miss', status: 200, modelUsed: 'gpt-4o',
      modelRequested: 'gpt-4o', user: null, feature: null, promptTokens: 1, completionTokens: 1 } as never);
    s.repo.add({ project: 'p', ts: at(2026, 5, 2, 8), costUsd: 1, savedUsd: 0, cache: 'miss', status: 200, modelUsed: 'gpt-4o',
      modelRequested: 'gpt-4o', user: null, feature: null, promptTokens: 1, completionTokens: 1 } as never);
    const t = createSpendTracker(s.repo, s.now);
    expect(t.get('p')).toEqual({ todayUsd: 0.25, monthUsd: 1.25 });
  });
});
