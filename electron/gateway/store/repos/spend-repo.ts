import type Database from 'better-sqlite3';
import type { SpendGroupBy, SpendRow, Trace } from '../../../../shared/api/dto';

const GROUP_COLUMN: Record<SpendGroupBy, string> = {
  project: 'project', day: 'day', user: 'user', feature: 'feature', model: 'model',
};

/** Local calendar day, as the user's budget periods count them. */
export function toLocalDay(ts: number): string {
  const d = new Date(ts);
  const mm = String(d.getMonth() + 1).padStart(2, '0');
  const dd = String(d.getDate()).padStart(2, '0');
  return `${d.getFullYear()}-${mm}-${dd}`;
}

export function createSpendRepo(db: Database.Database) {
  const upsert = db.prepare(`INSERT INTO spend_daily (project, day, user, feature, model, cost_usd, saved_usd, requests,
      cache_hits, unpriced_requests, prompt_tokens, completion_tokens, routing_saved_usd)
    VALUES (@project, @day, @user, @feature, @model, @cost, @saved, 1, @hit, @unpriced, @prompt, @completion, @routingSaved)
    ON CONFLICT (project, day, user, feature, model) DO UPDATE SET
      cost_usd = cost_usd + excluded.cost_usd, saved_usd = saved_usd + excluded.saved_usd,
      requests = requests + 1, cache_hits = cache_hits + excluded.cache_hits,
      unpriced_requests = unpriced_requests + excluded.unpriced_requests,
      prompt_tokens = prompt_tokens + excluded.prompt_tokens, completion_tokens = completion_tokens + excluded.completion_tokens,
      routing_saved_usd = routing_saved_usd + excluded.routing_saved_usd`);
  const projectTotals = db.prepare(`SELECT project,
      COALESCE(SUM(CASE WHEN day = @today THEN cost_usd END), 0) AS today,
      COALESCE(SUM(CASE WHEN day >= @monthStart THEN cost_usd END), 0) AS month
    FROM spend_daily WHERE day >= @monthStart GROUP BY project`);

  return {
    /** written in the same transaction as the trace, so totals always equal the sum of traces */
    add(t: Trace) {
      const unpriced = t.costUsd === null && t.cache !== 'hit' && t.status < 400 && t.modelUsed !== null;
      upsert.run({
        project: t.project, day: toLocalDay(t.ts), user: t.user ?? '', feature: t.feature ?? '',
        model: t.modelUsed ?? t.modelRequested ?? '', cost: t.costUsd ?? 0, saved: t.savedUsd,
        hit: t.cache === 'hit' ? 1 : 0, unpriced: unpriced ? 1 : 0,
        prompt: t.cache === 'hit' ? 0 : t.promptTokens ?? 0, completion: t.cache === 'hit' ? 0 : t.completionTokens ?? 0,
        routingSaved: t.routingSavedUsd ?? 0,
      });
    },

    totalsByProject(now: number): Map<string, { todayUsd: number; monthUsd: number }> {
      const today = toLocalDay(now);
      const rows = projectTotals.all({ today, monthStart: today.slice(0, 8) + '01' }) as Array<{ project: string; today: number; month: number }>;
      return new Map(rows.map((r) => [r.project, { todayUsd: r.today, monthUsd: r.month }]));
    },

    query(groupBy: SpendGroupBy, filter: { project?: string; from?: string; to?: string }): SpendRow[] {
      const col = GROUP_COLUMN[groupBy];
      const where: string[] = [];
      if (filter.project) where.push('project = @project');
      if (filter.from) where.push('day >= @from');
      if (filter.to) where.push('day <= @to');
      const sql = `SELECT ${col} AS key, SUM(cost_usd) AS costUsd, SUM(saved_usd) AS savedUsd, SUM(requests) AS requests,
          SUM(cache_hits) AS cacheHits, SUM(unpriced_requests) AS unpricedRequests,
          SUM(prompt_tokens) AS promptTokens, SUM(completion_tokens) AS completionTokens,
          SUM(routing_saved_usd) AS routingSavedUsd
        FROM spend_daily ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
        GROUP BY ${col} ORDER BY ${groupBy === 'day' ? 'key ASC' : 'costUsd DESC, key ASC'}`;
      return db.prepare(sql).all(filter) as SpendRow[];
    },
  };
}

export type SpendRepo = ReturnType<typeof createSpendRepo>;
