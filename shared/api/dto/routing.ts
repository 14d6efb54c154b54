/** Routing: aliases, their targets, and the per-project complexity rule. Part of the admin API contract; import it from ../dto. */

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
