/** Request and response headers the gateway reads or writes. One prefix, one place. */
export const HEADERS = {
  // request: attribution
  USER: 'x-tollgate-user',
  FEATURE: 'x-tollgate-feature',
  TAGS: 'x-tollgate-tags',
  PROJECT: 'x-tollgate-project',
  // request: cache control (CACHE is also the response status header)
  CACHE: 'x-tollgate-cache',
  CACHE_TTL: 'x-tollgate-cache-ttl',
  CACHE_TAGS: 'x-tollgate-cache-tags',
  // response
  TRACE_ID: 'x-tollgate-trace-id',
  COST_USD: 'x-tollgate-cost-usd',
  SAVED_USD: 'x-tollgate-saved-usd',
  CACHE_LAYER: 'x-tollgate-cache-layer',
  CACHE_REASON: 'x-tollgate-cache-reason',
  SIMILARITY: 'x-tollgate-similarity',
  /** a borderline semantic candidate went to the project's LLM judge: yes (a hit), no, error, timeout, budget */
  CACHE_JUDGE: 'x-tollgate-cache-judge',
  PROVIDER: 'x-tollgate-provider',
  DOWNGRADED_FROM: 'x-tollgate-downgraded-from',
  BUDGET_RESETS_AT: 'x-tollgate-budget-resets-at',
} as const;

/** What a client may ask of the cache per request with `x-tollgate-cache`. */
export type CacheDirective = 'bypass' | 'refresh' | 'only';
