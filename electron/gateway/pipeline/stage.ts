import type { Logger } from '../log';
import type { ExactCache } from '../cache/exact-cache';
import type { PricingTable } from '../cost/pricing';
import type { SpendTracker } from '../cost/spend-tracker';
import type { UpstreamClient } from '../http/upstream-client';
import type { ProviderRegistry } from '../providers/provider-settings';
import type { Router } from '../routing/router';
import type { Store } from '../store/db';
import type { CacheRepo } from '../store/repos/cache-repo';
import type { ProjectsRepo } from '../store/repos/projects-repo';
import type { SpendRepo } from '../store/repos/spend-repo';
import type { TracesRepo } from '../store/repos/traces-repo';
import type { EventHub } from '../admin/event-hub';
import type { MetricsCollector } from '../metrics/collector';
import type { Budgets } from '../budget/budgets';
import type { RateLimiter } from '../limits/rate-limiter';
import type { SemanticCache } from '../semantic/semantic-cache';
import type { LlmJudge } from '../semantic/llm-judge';
import type { RequestContext } from './context';

/** Everything stages share; built once by createGateway. */
export interface PipelineDeps {
  store: Store;
  projects: ProjectsRepo;
  traces: TracesRepo;
  spend: SpendRepo;
  spendTracker: SpendTracker;
  exactCache: ExactCache;
  cacheRepo: CacheRepo;
  providers: ProviderRegistry;
  /** aliases, rules, breakers, balancing and upstream pacing */
  routing: Router;
  upstream: UpstreamClient;
  pricing: PricingTable;
  events: EventHub;
  log: Logger;
  now: () => number;
  maxBodyBytes: number;
  /** sent upstream as x-tollgate-hop so a request that comes back to us is caught as a loop */
  instanceId: string;
  state: { cachingPaused: boolean };
  /** cumulative counters for /metrics, fed once per request by record-trace */
  metrics: MetricsCollector;
  /** budget ledger, velocity breaker and their alerts */
  budgets: Budgets;
  /** rate limits and concurrency per project and end-user */
  limits: RateLimiter;
  semantic: SemanticCache;
  /** the semantic cache's LLM judge for borderline candidates (projects with semantic.judge set) */
  judge: LlmJudge;
}

export interface Stage {
  name: string;
  /** runs even after an earlier stage answered or failed (accounting and recording) */
  always?: boolean;
  run(ctx: RequestContext, deps: PipelineDeps): void | Promise<void>;
}
