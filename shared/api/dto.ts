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
  /** the model the client asked for when a budget in downgrade mode sent the request to a cheaper one */
  downgradedFrom: string | null;
  /** every upstream attempt in order (retries, fallbacks); empty for cache hits and requests refused locally */
  attempts: TraceAttempt[];
  /** how the model name became a target: alias, strategy, complexity tier */
  routing: RoutingDecision | null;
  /** what the requested model would have cost minus what the routed one did; null when nothing was re-routed or either is unpriced */
  routingSavedUsd: number | null;
  /** cosine similarity of a semantic hit's prompt to the cached prompt; null otherwise */
  cacheSimilarity: number | null;
}

/** One upstream attempt of a request. */
export interface TraceAttempt {
  /** provider/model */
  target: string;
  provider: string;
  /** upstream HTTP status; null when no answer came (connection refused, reset, timeout) */
  status: number | null;
  /** the provider's message or the network error; null on success */
  error: string | null;
  ms: number;
  /** how long the gateway waited before the next attempt (backoff or the provider's retry-after) */
  waitMs: number | null;
  /** what happened next: the answer, a retry of the same target, the next target, or giving up */
  outcome: 'ok' | 'retry' | 'fallback' | 'failed';
}

export type RoutingStrategy = 'single' | 'ordered' | 'weighted' | 'least-busy';

export interface RoutingDecision {
  /** the alias the model name matched, with its scope */
  alias: string | null;
  aliasScope: 'project' | 'global' | null;
  strategy: RoutingStrategy;
  /** targets in the order they were to be tried */
  candidates: string[];
  /** targets skipped because their circuit breaker was open */
  cooledDown: string[];
  complexity: ComplexityDecision | null;
}

export interface ComplexityDecision {
  /** 0 (trivial) .. 1 (hard) */
  score: number;
  tier: 'cheap' | 'strong';
  /** what drove the score: length, code, reasoning cues, tools, response_format */
  signals: string[];
  threshold: number;
  /** the model the rule sent the request to */
  model: string;
}

/** One target of an alias: provider/model (or a bare model the catalogue resolves), with its traffic weight. */
export interface AliasTarget {
  model: string;
  /** share of traffic under the weighted strategy (default 1) */
  weight: number;
}

/** A user-defined model name (`fast`, `smart`, `cheap`) → ordered targets; per project or global (project null). */
export interface Alias {
  name: string;
  project: string | null;
  targets: AliasTarget[];
  /** ordered: first healthy target, the rest are fallbacks; weighted / least-busy: balance, the rest still fall back */
  strategy: 'ordered' | 'weighted' | 'least-busy';
  updatedAt: number;
}

/** PUT /admin/v1/aliases/:name and /admin/v1/projects/:slug/aliases/:name */
export interface AliasPut {
  targets: Array<string | { model: string; weight?: number }>;
  strategy?: Alias['strategy'];
}

/** A project's cost-aware routing: a prompt scoring below `threshold` goes to cheapModel, else to strongModel. */
export interface RoutingRule {
  complexity: {
    cheapModel: string;
    strongModel: string;
    /** 0..1; default 0.5 */
    threshold: number;
    /** model names (or aliases) the rule applies to; empty: every chat request of the project */
    appliesTo: string[];
  } | null;
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
  /** false when the project keeps no bodies (keepBodies off): headers and bodies above are then empty */
  bodiesKept: boolean;
}

export interface ProjectBudget {
  dailyUsd: number | null;
  monthlyUsd: number | null;
  mode: BudgetMode;
  /** downgrade mode: the cheaper model requests go to once a cap is reached */
  downgradeModel?: string | null;
  /** caps every end-user (x-tollgate-user / `user`) of the project gets on their own */
  perUser?: BudgetCaps | null;
  /** caps every feature (x-tollgate-feature) of the project gets on its own */
  perFeature?: BudgetCaps | null;
  /** spend-velocity breaker: USD per rolling minute; when crossed, the project is blocked for the cool-down */
  velocityUsdPerMin?: number | null;
  /** breaker cool-down, seconds (default 60) */
  velocityCooldownSec?: number | null;
  /** IANA time zone whose calendar days and months the caps count (default: the gateway's) */
  timeZone?: string | null;
}

export interface BudgetCaps {
  dailyUsd: number | null;
  monthlyUsd: number | null;
}

export interface ProjectLimits {
  rpm: number | null;
  tpm: number | null;
  concurrency: number | null;
  /** bucket sizes: how many requests / tokens may come at once before the per-minute rate paces them (default: rpm / tpm) */
  rpmBurst?: number | null;
  tpmBurst?: number | null;
  /** limits every end-user of the project gets on their own */
  perUser?: UserLimits | null;
  /** wait for room instead of refusing, up to a bound; null refuses at once */
  queue?: LimitQueue | null;
}

export interface UserLimits {
  rpm: number | null;
  tpm: number | null;
}

export interface LimitQueue {
  /** longest a request waits for room before it gets the 429 */
  maxWaitMs: number;
  /** most requests waiting at once per project (default 100) */
  maxQueued?: number | null;
}

/** One budget period of one scope, as GET /admin/v1/projects/:slug/usage reports it. */
export interface BudgetPeriodUsage {
  /** the local calendar day (YYYY-MM-DD) or month (YYYY-MM) in the budget's time zone */
  period: string;
  spentUsd: number;
  /** worst-case cost held by requests in flight */
  reservedUsd: number;
  capUsd: number | null;
  /** cap − spent − reserved (never below 0); null without a cap */
  remainingUsd: number | null;
  /** epoch ms of the next reset (local midnight, first of next month) */
  resetsAt: number;
}

export interface ProjectUsage {
  project: string;
  timeZone: string;
  mode: BudgetMode;
  daily: BudgetPeriodUsage;
  monthly: BudgetPeriodUsage;
  /** worst-case USD held by requests in flight, and how many reservations are open */
  reservedUsd: number;
  openReservations: number;
  velocity: { usdLastMinute: number; limitUsdPerMin: number | null; trippedUntil: number | null };
  limits: { inFlight: number; queued: number };
  /** per end-user / per feature spend this period, when those caps are set */
  users: Array<{ key: string; daily: BudgetPeriodUsage; monthly: BudgetPeriodUsage }>;
  features: Array<{ key: string; daily: BudgetPeriodUsage; monthly: BudgetPeriodUsage }>;
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
  /** keep request/response bodies and headers with the project's traces (default); off keeps only the trace row */
  keepBodies: boolean;
}

export interface ProjectCreate {
  slug: string;
  name?: string;
  cachePolicy?: CachePolicy;
  cacheTtlSec?: number;
  budget?: Partial<ProjectBudget>;
  limits?: Partial<ProjectLimits>;
  semantic?: Partial<SemanticSettings>;
  keepBodies?: boolean;
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
  /** semantic entries: the embedded prompt, its embedder and how strict the entry has become */
  semantic?: SemanticEntryInfo | null;
}

/** GET /admin/v1/semantic: whether the embedder runs, and the verifier's shipped numbers */
export interface SemanticStatus {
  /** false until a project with semantic caching on needs it: no model is loaded before */
  workerStarted: boolean;
  embedders: string[];
  indexedEntries: number;
  verifier: { embedder: string; trainedAt: string; thresholds: Record<SemanticStrictness, number>; heldOut: unknown };
}

export interface SemanticEntryInfo {
  /** the last user turn that was embedded */
  text: string;
  /** null while the entry waits to be re-embedded after an embedder switch */
  embedder: string | null;
  /** a hit on this entry needs at least this similarity (raised by wrong reports); null = the verifier alone decides */
  minSimilarity: number | null;
  wrongReports: number;
  lastSimilarity: number | null;
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
  /** what routing (complexity tiers, budget downgrades) saved against the requested models (always sent by the gateway) */
  routingSavedUsd?: number;
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

/** A provider kind from the gateway's registry: openai, openai-compatible, anthropic, azure, groq, ollama, ... */
export type ProviderKind = string;

export interface ProviderSettings {
  id: string;
  kind: ProviderKind;
  baseUrl: string;
  /** keys are write-only: reads only say whether one is set */
  hasApiKey: boolean;
  /** how many keys requests are balanced across */
  keyCount: number;
  /** names of the extra headers sent upstream (values are write-only: they may carry credentials) */
  headerNames: string[];
  /** models this provider serves, for bare-name routing and GET /v1/models; null: whatever its upstream lists */
  models: string[] | null;
  /** Azure's api-version */
  apiVersion: string | null;
  /** where the settings came from */
  source: 'default' | 'env' | 'admin';
}

export interface ProviderUpdate {
  kind?: ProviderKind;
  baseUrl?: string;
  /** null removes the stored key */
  apiKey?: string | null;
  /** several keys of the same account or deployments: requests are balanced across them (least busy) */
  apiKeys?: string[] | null;
  /** extra headers sent upstream with every call; null removes them */
  headers?: Record<string, string> | null;
  models?: string[] | null;
  apiVersion?: string | null;
}
