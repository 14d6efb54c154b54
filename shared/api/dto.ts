/**
 * Admin API contract (renderer ↔ gateway). JSON is camelCase.
 * The names in design.md's "minimum contract" are fixed; fields may be added.
 */

export type CachePolicy = 'deterministic' | 'always' | 'off';
export type CacheStatus = 'hit' | 'miss' | 'bypass' | 'off';
export type CacheLayer = 'exact' | 'semantic';
export type BudgetMode = 'block' | 'downgrade' | 'alert';
/** how sure the semantic verifier must be before it answers from the cache */
export type SemanticStrictness = 'strict' | 'balanced' | 'loose';
export type Endpoint = 'chat.completions' | 'responses' | 'embeddings' | 'models' | 'passthrough';

export interface StageTiming {
  stage: string;
  ms: number;
  note?: string;
}

export interface Trace {
  id: string;
  /** epoch milliseconds */
  ts: number;
  project: string;
  endpoint: Endpoint;
  method: string;
  path: string;
  modelRequested: string | null;
  modelUsed: string | null;
  provider: string | null;
  /** HTTP status sent to the client (0 when the client went away first). */
  status: number;
  stream: boolean;
  cache: CacheStatus;
  cacheLayer: CacheLayer | null;
  cacheReason: string | null;
  cacheEntryId: string | null;
  latencyMs: number;
  ttfbMs: number | null;
  promptTokens: number | null;
  cachedTokens: number | null;
  completionTokens: number | null;
  reasoningTokens: number | null;
  /** null when the model is unpriced (never silently 0) */
  costUsd: number | null;
  savedUsd: number;
  /** true when usage was estimated (e.g. the client aborted before usage arrived) */
  usageEstimated: boolean;
  user: string | null;
  feature: string | null;
  tags: string[];
  error: string | null;
  stages: StageTiming[];
  /** cosine similarity of a semantic hit's prompt to the cached prompt; null otherwise */
  cacheSimilarity: number | null;
}

/** What a semantic hit matched, and why the verifier let it through. */
export interface SemanticMatch {
  entryId: string;
  /** the cached prompt (last user turn) that matched */
  prompt: string;
  similarity: number;
  /** the verifier's probability that both prompts ask the same thing */
  probability: number;
  /** what it had to reach at the project's strictness */
  threshold: number;
  embedder: string;
}

export interface TraceDetail extends Trace {
  /** for a semantic hit: the matched entry and prompt */
  cacheMatch: SemanticMatch | null;
  requestHeaders: Record<string, string>;
  responseHeaders: Record<string, string>;
  /** parsed JSON when the body was JSON, else text; keys redacted; null when not kept */
  request: unknown;
  response: unknown;
  /** for streamed answers: the message reassembled from the SSE chunks */
  streamedText: string | null;
}

export interface ProjectBudget {
  dailyUsd: number | null;
  monthlyUsd: number | null;
  mode: BudgetMode;
}

export interface ProjectLimits {
  rpm: number | null;
  tpm: number | null;
  concurrency: number | null;
}

/** Semantic caching per project: off by default. */
export interface SemanticSettings {
  enabled: boolean;
  strictness: SemanticStrictness;
  /** auto (transformers.js default model if present, else USE-Lite) | use-lite | transformers:<model> | provider:<model> */
  embedder: string;
  /** may the gateway download the transformers.js model from the hub once */
  allowModelDownload: boolean;
}

export interface Project {
  slug: string;
  name: string;
  cachePolicy: CachePolicy;
  /** default time-to-live of new cache entries, seconds */
  cacheTtlSec: number;
  /** bumping it starts a clean cache namespace for the project */
  cacheVersion: number;
  budget: ProjectBudget;
  limits: ProjectLimits;
  createdAt: number;
  spend: { todayUsd: number; monthUsd: number };
  semantic: SemanticSettings;
}

export interface ProjectCreate {
  slug: string;
  name?: string;
  cachePolicy?: CachePolicy;
  cacheTtlSec?: number;
  budget?: Partial<ProjectBudget>;
  limits?: Partial<ProjectLimits>;
  semantic?: Partial<SemanticSettings>;
}

export type ProjectPatch = Partial<Omit<ProjectCreate, 'slug'>> & { cacheVersion?: number };

export interface CacheEntry {
  id: string;
  project: string;
  model: string;
  endpoint: Endpoint;
  layer: CacheLayer;
  prompt: string;
  createdAt: number;
  expiresAt: number | null;
  hits: number;
  savedUsd: number;
  /** what the original answer cost; a hit saves this much */
  costUsd: number | null;
  tags: string[];
}

export interface CacheEntryDetail extends CacheEntry {
  request: unknown;
  response: unknown;
}

export interface CacheInvalidate {
  project?: string;
  model?: string;
  tag?: string;
  match?: string;
  olderThanSec?: number;
  /** semantic entries whose prompt means about the same as this text */
  similarTo?: string;
  /** cosine similarity an entry needs to go with similarTo (default 0.8) */
  minSimilarity?: number;
  /** preview only: count what would go, remove nothing */
  dryRun?: boolean;
}

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
}

export interface GatewaySettings {
  /** traces (with their bodies) older than this many days are deleted; spend rollups are kept */
  retentionDays: number;
}

export interface Health {
  ok: true;
  version: string;
  proxyUrl: string;
  adminUrl: string;
  uptimeSec: number;
}

export interface ProviderSettings {
  id: string;
  kind: 'openai' | 'openai-compatible';
  baseUrl: string;
  /** keys are write-only: reads only say whether one is set */
  hasApiKey: boolean;
}

export interface ProviderUpdate {
  kind?: 'openai' | 'openai-compatible';
  baseUrl?: string;
  /** null removes the stored key */
  apiKey?: string | null;
}
