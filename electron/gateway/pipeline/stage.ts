import type { Logger } from '../log';
import type { ExactCache } from '../cache/exact-cache';
import type { PricingTable } from '../cost/pricing';
import type { SpendTracker } from '../cost/spend-tracker';
import type { UpstreamClient } from '../http/upstream-client';
import type { ProviderRegistry } from '../providers/provider-settings';
import type { Store } from '../store/db';
import type { CacheRepo } from '../store/repos/cache-repo';
import type { ProjectsRepo } from '../store/repos/projects-repo';
import type { SpendRepo } from '../store/repos/spend-repo';
import type { TracesRepo } from '../store/repos/traces-repo';
import type { EventHub } from '../admin/event-hub';
import type { SemanticCache } from '../semantic/semantic-cache';
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
  upstream: UpstreamClient;
  pricing: PricingTable;
  events: EventHub;
  log: Logger;
  now: () => number;
  maxBodyBytes: number;
  /** sent upstream as x-tollgate-hop so a request that comes back to us is caught as a loop */
  instanceId: string;
  state: { cachingPaused: boolean };
  semantic: SemanticCache;
}

export interface Stage {
  name: string;
  /** runs even after an earlier stage answered or failed (accounting and recording) */
  always?: boolean;
  run(ctx: RequestContext, deps: PipelineDeps): void | Promise<void>;
}
