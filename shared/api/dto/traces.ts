/** What the gateway records per request: the trace, its upstream attempts and its detail. Part of the admin API contract; import it from ../dto. */
import type { CacheLayer, CacheStatus, Endpoint } from '../dto';
import type { RoutingDecision } from './routing';

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
  /** the prompt that asked (its last user turn); absent when the project keeps no bodies */
  query?: string | null;
  /** set when the candidate was borderline and the project's LLM judge decided */
  judge?: JudgeOutcome | null;
}

/** What the LLM judge said about a borderline candidate, and what asking cost. */
export interface JudgeOutcome {
  /** the judge model as the project names it, and the target it went to (provider/model; null when not sent) */
  model: string;
  target: string | null;
  /** yes: a hit; anything else: a miss (no, an error, a timeout, or a budget that could not hold the call) */
  verdict: 'yes' | 'no' | 'error' | 'timeout' | 'budget' | 'rate-limited';
  /** what this request paid for the judge's call: 0 when the verdict came from the verdict cache; null when unpriced */
  costUsd: number | null;
  /** the verdict was remembered from an earlier request about the same entry and prompt */
  cached: boolean;
  ms: number;
  /** why an error or unreadable answer counted as a miss */
  detail: string | null;
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
