import type Database from 'better-sqlite3';

export type BudgetScope = 'project' | 'user' | 'feature';

export interface BucketId {
  project: string;
  scope: BudgetScope;
  /** the user or feature; '' for the project itself */
  scopeKey: string;
  /** 'd:YYYY-MM-DD' or 'm:YYYY-MM' in the budget's time zone */
  period: string;
}

export interface BucketRow { spentUsd: number; alerted: number }

/** Settled spend and sent alerts per budget bucket; written through the batched writer with the traces. */
export function createBudgetRepo(db: Database.Database) {
  const selectOne = db.prepare(`SELECT spent_usd AS spentUsd, alerted FROM budget_spend
    WHERE project = @project AND scope = @scope AND scope_key = @scopeKey AND period = @period`);
  const upsert = db.prepare(`INSERT INTO budget_spend (project, scope, scope_key, period, spent_usd, alerted)
    VALUES (@project, @scope, @scopeKey, @period, @delta, @alerted)
    ON CONFLICT (project, scope, scope_key, period) DO UPDATE SET
      spent_usd = spent_usd + excluded.spent_usd, alerted = MAX(alerted, excluded.alerted)`);
  const upsertAlerted = db.prepare(`INSERT INTO budget_spend (project, scope, scope_key, period, spent_usd, alerted)
    VALUES (@project, @scope, @scopeKey, @period, 0, @alerted)
    ON CONFLICT (project, scope, scope_key, period) DO UPDATE SET alerted = excluded.alerted`);
  const selectScope = db.prepare(`SELECT scope_key AS scopeKey, period, spent_usd AS spentUsd FROM budget_spend
    WHERE project = @project AND scope = @scope AND period IN (@day, @month) ORDER BY spent_usd DESC LIMIT @limit`);

  return {
    load(id: BucketId): BucketRow {
      return (selectOne.get(id) as BucketRow | undefined) ?? { spentUsd: 0, alerted: 0 };
    },
    /** adds `delta` to the settled spend and raises the alerted mark (never lowers it) */
    add(id: BucketId, delta: number, alerted: number) {
      upsert.run({ ...id, delta, alerted });
    },
    /** sets the alerted mark outright (a raised cap re-arms the thresholds above the new percentage) */
    setAlerted(id: BucketId, alerted: number) {
      upsertAlerted.run({ ...id, alerted });
    },
    listScope(project: string, scope: BudgetScope, day: string, month: string, limit: number) {
      return selectScope.all({ project, scope, day, month, limit }) as Array<{ scopeKey: string; period: string; spentUsd: number }>;
    },
  };
}

export type BudgetRepo = ReturnType<typeof createBudgetRepo>;
