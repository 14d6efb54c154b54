/** Projects: budgets, rate limits, semantic settings, and their usage. Part of the admin API contract; import it from ../dto. */
import type { BudgetMode, CachePolicy, SemanticStrictness } from '../dto';

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
  /** a cheap model asked about borderline candidates; null (default): no judge */
  judge?: SemanticJudge | null;
}

/** The LLM judge of a project's semantic cache: asked only when the verifier's best candidate falls just short. */
export interface SemanticJudge {
  /** any name the gateway routes: a model, provider/model or an alias */
  model: string;
  /** how far below the strictness threshold a candidate's probability may be to be judged (default 0.15) */
  band?: number;
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
