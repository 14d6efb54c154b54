/**
 * Admin API additions the dashboard needs beyond the minimum contract: overview aggregates, a pricing
 * lookup for the cost math, bulk deletion of cache entries. JSON is camelCase, like the rest.
 */
import { ADMIN_PREFIX } from './routes';
import type { SpendRow } from './dto';

export const DASHBOARD_ROUTES = {
  overview: `${ADMIN_PREFIX}/overview`,
  pricing: `${ADMIN_PREFIX}/pricing`,
  cacheDelete: `${ADMIN_PREFIX}/cache/delete`,
} as const;

/** One project's numbers for one local calendar day. */
export interface OverviewPoint {
  day: string;
  project: string;
  costUsd: number;
  savedUsd: number;
  requests: number;
  cacheHits: number;
}

export interface OverviewTotals {
  costUsd: number;
  savedUsd: number;
  requests: number;
  cacheHits: number;
  unpricedRequests: number;
  /** the part of cacheHits and savedUsd from semantic hits */
  semanticHits: number;
  semanticSavedUsd: number;
}

export interface Overview {
  /** first and last local day covered (YYYY-MM-DD), inclusive */
  from: string;
  to: string;
  /** every day in [from, to], ascending, so charts need not fill gaps */
  days: string[];
  series: OverviewPoint[];
  totals: OverviewTotals;
  today: OverviewTotals;
  topModels: SpendRow[];
  topUsers: SpendRow[];
  topFeatures: SpendRow[];
}

/** USD per 1M tokens, as the gateway prices a model; null when the model is unpriced. */
export interface PriceLookup {
  model: string;
  family: string | null;
  price: { input: number; cachedInput: number | null; output: number; source: string; checked: string } | null;
}

export interface CacheDeleteMany {
  ids: string[];
}
