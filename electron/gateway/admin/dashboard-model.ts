import type { SpendGroupBy, SpendRow } from '../../../shared/api/dto';
import type { Overview, OverviewPoint, OverviewTotals, PriceLookup } from '../../../shared/api/dashboard';
import { resolveModelFamily } from '../cost/pricing';
import { badRequest } from '../errors';
import type { PipelineDeps } from '../pipeline/stage';
import { toLocalDay } from '../store/repos/spend-repo';

const MAX_DAYS = 366;
const TOP_N = 8;
const MAX_BULK_IDS = 5_000;

/** The local days from `days - 1` days ago to today, ascending. */
export function listLocalDays(now: number, days: number): string[] {
  const out: string[] = [];
  const today = new Date(now);
  for (let i = days - 1; i >= 0; i--) {
    // step by calendar date, not by 24 h, so DST changes never skip or repeat a day
    const d = new Date(today.getFullYear(), today.getMonth(), today.getDate() - i, 12);
    out.push(toLocalDay(d.getTime()));
  }
  return out;
}

/** What only the dashboard asks for; spread into the admin model. */
export function createDashboardModel(deps: PipelineDeps) {
  const db = deps.store.db;
  const seriesQuery = db.prepare(`SELECT day, project, SUM(cost_usd) AS costUsd, SUM(saved_usd) AS savedUsd,
      SUM(requests) AS requests, SUM(cache_hits) AS cacheHits
    FROM spend_daily WHERE day >= @from AND day <= @to GROUP BY day, project ORDER BY day, project`);
  const totalsQuery = db.prepare(`SELECT COALESCE(SUM(cost_usd), 0) AS costUsd, COALESCE(SUM(saved_usd), 0) AS savedUsd,
      COALESCE(SUM(requests), 0) AS requests, COALESCE(SUM(cache_hits), 0) AS cacheHits,
      COALESCE(SUM(unpriced_requests), 0) AS unpricedRequests, COALESCE(SUM(semantic_hits), 0) AS semanticHits,
      COALESCE(SUM(semantic_saved_usd), 0) AS semanticSavedUsd
    FROM spend_daily WHERE day >= @from AND day <= @to AND (@project IS NULL OR project = @project)`);

  const top = (groupBy: SpendGroupBy, from: string, to: string, project: string | undefined): SpendRow[] =>
    deps.spend.query(groupBy, { from, to, project }).filter((r) => r.key !== '').slice(0, TOP_N);

  return {
    overview(daysParam: number | undefined, project: string | undefined): Overview {
      const days = daysParam ?? 30;
      if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS) {
        throw badRequest(`days must be a whole number from 1 to ${MAX_DAYS}.`, 'days');
      }
      deps.store.flush();
      const dayList = listLocalDays(deps.now(), days);
      const from = dayList[0]!;
      const to = dayList[dayList.length - 1]!;
      const args = { from, to, project: project ?? null };
      const series = (seriesQuery.all({ from, to }) as OverviewPoint[]).filter((p) => !project || p.project === project);
      return {
        from, to, days: dayList, series,
        totals: totalsQuery.get(args) as OverviewTotals,
        today: totalsQuery.get({ ...args, from: to }) as OverviewTotals,
        topModels: top('model', from, to, project),
        topUsers: top('user', from, to, project),
        topFeatures: top('feature', from, to, project),
      };
    },

    lookupPrice(model: string | undefined): PriceLookup {
      if (!model) throw badRequest('Pass the model to price as ?model=<id>.', 'model');
      const family = resolveModelFamily(deps.pricing, model);
      const p = family === null ? undefined : deps.pricing.models[family];
      return {
        model, family,
        price: p ? { input: p.input, cachedInput: p.cachedInput, output: p.output, source: p.source, checked: p.checked } : null,
      };
    },

    deleteCacheEntries(body: unknown): { removed: number } {
      const ids = (body as { ids?: unknown } | null)?.ids;
      if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string')) {
        throw badRequest('ids must be an array of cache entry ids.', 'ids');
      }
      if (ids.length > MAX_BULK_IDS) throw badRequest(`At most ${MAX_BULK_IDS} ids per call; invalidate by filter for more.`, 'ids');
      let removed = 0;
      for (const id of new Set(ids as string[])) removed += deps.exactCache.remove(id);
      deps.semantic.forget(ids as string[]);
      if (removed > 0) deps.events.publish({ type: 'cache', action: 'invalidated', removed });
      return { removed };
    },
  };
}
