import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CacheLayer, CacheStatus, Endpoint, JudgeOutcome, RoutingDecision, SemanticMatch, StageTiming, TraceAttempt } from '../../../shared/api/dto';
import type { CacheDirective } from '../../../shared/headers';
import type { ModelPrice, Usage } from '../cost/pricing';
import type { ProviderConfig } from '../providers/provider-settings';
import type { ProjectRecord } from '../store/repos/projects-repo';
import type { StoredEntry } from '../store/repos/cache-repo';
import type { GatewayError } from '../errors';
import { redactSecrets } from '../log';
import type { Cancellation } from '../http/upstream-client';
import type { PreparedLookup } from '../semantic/semantic-cache';
import type { Reservation } from '../budget/ledger';
import type { RouteTarget } from '../routing/resolve-model';

/** What the respond stage sends when no stage streamed the answer itself. */
export type Reply =
  | { kind: 'json'; status: number; headers: Record<string, string>; body: Buffer }
  | { kind: 'sse'; status: number; headers: Record<string, string>; body: string }
  | { kind: 'error'; error: GatewayError };

/** One request's state, carried through every stage (Portkey/Helicone RequestContext habit). */
export interface RequestContext {
  id: string;
  startedAt: number;
  /** performance.now() at arrival */
  t0: number;
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  /** path without the /p/<project> prefix, query kept */
  path: string;
  endpoint: Endpoint;
  projectSlug: string;
  project: ProjectRecord | null;
  user: string | null;
  feature: string | null;
  tags: string[];
  /** the client's own provider key, passed through when it sent one */
  clientKey: string | null;
  rawBody: Buffer | null;
  /** rawBody as text with key-like strings removed; made on first use (see redactedRequestText) */
  redactedRequest: string | null;
  body: Record<string, unknown> | null;
  stream: boolean;
  clientWantsUsage: boolean;
  modelRequested: string | null;
  modelUsed: string | null;
  provider: ProviderConfig | null;
  /** where the request may go, in order (the first is tried first; the rest are fallbacks) */
  targets: RouteTarget[];
  attempts: TraceAttempt[];
  routing: RoutingDecision | null;
  routingSavedUsd: number | null;
  /** the first target of the requested model name, before any tier or downgrade moved it */
  routingBaseline: RouteTarget | null;
  price: ModelPrice | null;
  cache: {
    status: CacheStatus;
    layer: CacheLayer | null;
    reason: string | null;
    directive: CacheDirective | null;
    noStore: boolean;
    key: string | null;
    namespace: string | null;
    ttlSec: number | null;
    tags: string[];
    hit: StoredEntry | null;
    /** semantic layer: similarity of a hit, what it matched, and the embedded prompt a miss stores */
    similarity: number | null;
    match: SemanticMatch | null;
    semantic: PreparedLookup | null;
    /** what the project's LLM judge said about a borderline candidate (its spend is already in the budget ledger) */
    judge: JudgeOutcome | null;
  };
  /** for the cache and the trace: the answer as one JSON object (streams are reassembled into it) */
  answer: Record<string, unknown> | null;
  answerComplete: boolean;
  streamedText: string | null;
  upstreamStatus: number | null;
  responseHeaders: Record<string, string>;
  usage: Usage | null;
  usageEstimated: boolean;
  costUsd: number | null;
  savedUsd: number;
  ttfbMs: number | null;
  status: number;
  error: GatewayError | null;
  reply: Reply | null;
  /** headers were sent: from here on only the stream itself can carry news */
  headersSent: boolean;
  stages: StageTiming[];
  /** set when the client goes away, so the upstream call stops too */
  cancel: Cancellation;
  clientGone: boolean;
  /** response headers any stage adds (rate-limit state, downgrade); written with the standard ones */
  extraHeaders: Record<string, string>;
  /** the budget's hold on worst-case cost, settled or released by the settle stage */
  reservation: Reservation | null;
  /** gives back the concurrency slot the limit stage took (settle calls it) */
  releaseLimits: (() => void) | null;
  /** set when a budget in downgrade mode sent the request to a cheaper model */
  downgradedFrom: string | null;
}

/** The request as the trace and the cache browser keep it: decoded and redacted once, whoever asks first. */
export function redactedRequestText(ctx: RequestContext): string | null {
  if (ctx.redactedRequest === null && ctx.rawBody) ctx.redactedRequest = redactSecrets(ctx.rawBody.toString('utf8'));
  return ctx.redactedRequest;
}
