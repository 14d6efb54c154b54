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

interface RollupDelta {
  project: string; day: string; user: string; feature: string; model: string;
  cost: number; saved: number; requests: number; hit: number; unpriced: number; prompt: number; completion: number; routingSaved: number;
  semanticHit: number; semanticSaved: number;
}

/**
 * atCommit: run a write just before the store's next commit. Given it, rows are summed in memory and each is
 * upserted once per commit (in the same transaction as the traces it sums); without it, add() writes at once.
 */
export function createSpendRepo(db: Database.Database, atCommit?: (write: () => void) => void) {
  const upsert = db.prepare(`INSERT INTO spend_daily (project, day, user, feature, model, cost_usd, saved_usd, requests,
      cache_hits, unpriced_requests, prompt_tokens, completion_tokens, routing_saved_usd, semantic_hits, semantic_saved_usd)
    VALUES (@project, @day, @user, @feature, @model, @cost, @saved, @requests, @hit, @unpriced, @prompt, @completion, @routingSaved,
      @semanticHit, @semanticSaved)
    ON CONFLICT (project, day, user, feature, model) DO UPDATE SET
      cost_usd = cost_usd + excluded.cost_usd, saved_usd = saved_usd + excluded.saved_usd,
      requests = requests + excluded.requests, cache_hits = cache_hits + excluded.cache_hits,
      unpriced_requests = unpriced_requests + excluded.unpriced_requests,
      prompt_tokens = prompt_tokens + excluded.prompt_tokens, completion_tokens = completion_tokens + excluded.completion_tokens,
      routing_saved_usd = routing_saved_usd + excluded.routing_saved_usd,
      semantic_hits = semantic_hits + excluded.semantic_hits, semantic_saved_usd = semantic_saved_usd + excluded.semantic_saved_usd`);
  const projectTotals = db.prepare(`SELECT project,
      COALESCE(SUM(CASE WHEN day = @today THEN cost_usd END), 0) AS today,
      COALESCE(SUM(CASE WHEN day >= @monthStart THEN cost_usd END), 0) AS month
    FROM spend_daily WHERE day >= @monthStart GROUP BY project`);

  const pending = new Map<string, RollupDelta>();
  const writePending = () => {
    const rows = [...pending.values()];
    pending.clear();
    try {
      for (const r of rows) upsert.run(r);
    } catch (err) {
      // the store rolls this write back whole: keep the sums for the next commit
      for (const r of rows) merge(r);
      throw err;
    }
  };
  const merge = (d: RollupDelta) => {
    const key = `${d.project}\u0001${d.day}\u0001${d.user}\u0001${d.feature}\u0001${d.model}`;
    const p = pending.get(key);
    if (!p) {
      if (pending.size === 0) atCommit!(writePending);
      pending.set(key, { ...d });
      return;
    }
    p.cost += d.cost; p.saved += d.saved; p.requests += d.requests; p.hit += d.hit; p.unpriced += d.unpriced;
    p.prompt += d.prompt; p.completion += d.completion; p.routingSaved += d.routingSaved;
    p.semanticHit += d.semanticHit; p.semanticSaved += d.semanticSaved;
  };

  return {
    /** called in the trace's own write; committed in the same transaction, so totals always equal the sum of traces */
    add(t: Trace) {
      const unpriced = t.costUsd === null && t.cache !== 'hit' && t.status < 400 && t.modelUsed !== null;
      const semantic = t.cache === 'hit' && t.cacheLayer === 'semantic';
      const delta: RollupDelta = {
        project: t.project, day: toLocalDay(t.ts), user: t.user ?? '', feature: t.feature ?? '',
        model: t.modelUsed ?? t.modelRequested ?? '', cost: t.costUsd ?? 0, saved: t.savedUsd, requests: 1,
        hit: t.cache === 'hit' ? 1 : 0, unpriced: unpriced ? 1 : 0,
        prompt: t.cache === 'hit' ? 0 : t.promptTokens ?? 0, completion: t.cache === 'hit' ? 0 : t.completionTokens ?? 0,
        routingSaved: t.routingSavedUsd ?? 0,
        semanticHit: semantic ? 1 : 0, semanticSaved: semantic ? t.savedUsd : 0,
      };
      if (atCommit) merge(delta);
      else upsert.run(delta);
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
          SUM(routing_saved_usd) AS routingSavedUsd, SUM(semantic_hits) AS semanticHits, SUM(semantic_saved_usd) AS semanticSavedUsd
        FROM spend_daily ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
        GROUP BY ${col} ORDER BY ${groupBy === 'day' ? 'key ASC' : 'costUsd DESC, key ASC'}`;
      return db.prepare(sql).all(filter) as SpendRow[];
    },
  };
}

export type SpendRepo = ReturnType<typeof createSpendRepo>;
