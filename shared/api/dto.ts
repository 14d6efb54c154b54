/**
 * Admin API contract (renderer ↔ gateway). JSON is camelCase.
 * The names in design.md's "minimum contract" are fixed; fields may be added.
 */
export type * from './dto/traces';
export type * from './dto/routing';
export type * from './dto/projects';
export type * from './dto/cache';
export type * from './dto/settings';

export type CachePolicy = 'deterministic' | 'always' | 'off';
export type CacheStatus = 'hit' | 'miss' | 'bypass' | 'off';
export type CacheLayer = 'exact' | 'semantic';
export type BudgetMode = 'block' | 'downgrade' | 'alert';

/** how sure the semantic verifier must be before it answers from the cache */
export type SemanticStrictness = 'strict' | 'balanced' | 'loose';
export type Endpoint = 'chat.completions' | 'responses' | 'embeddings' | 'models' | 'passthrough';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type SpendGroupBy = 'project' | 'day' | 'user' | 'feature' | 'model';

export interface SpendRow {
  key: string;
  costUsd: number;
  savedUsd: number;
  requests: number;
  cacheHits: number;
  unpricedRequests: number;
  promptTokens: number;
  completionTokens: number;
  /** what routing (complexity tiers, budget downgrades) saved against the requested models (always sent by the gateway) */
  routingSavedUsd?: number;
  /** the part of cacheHits and savedUsd from semantic hits (always sent by the gateway) */
  semanticHits?: number;
  semanticSavedUsd?: number;
}
