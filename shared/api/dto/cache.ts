/** The cache browser: entries, semantic status and invalidation. Part of the admin API contract; import it from ../dto. */
import type { CacheLayer, Endpoint, SemanticStrictness } from '../dto';

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

/** GET /admin/v1/cache/entries/:id/hits: one request this entry answered */
export interface CacheEntryHit {
  traceId: string;
  ts: number;
  layer: CacheLayer | null;
  /** semantic hits: how close the asking prompt was, and what the verifier made of it */
  similarity: number | null;
  probability: number | null;
  threshold: number | null;
  /** the asking prompt of a semantic hit; null when its project keeps no bodies (or for exact hits: the entry's own) */
  query: string | null;
  user: string | null;
  feature: string | null;
}

/** GET /admin/v1/semantic: whether the embedder runs, and the verifier's shipped numbers */
export interface SemanticStatus {
  /** false until a project with semantic caching on needs it: no model is loaded before */
  workerStarted: boolean;
  embedders: string[];
  indexedEntries: number;
  /** `heldOut`: per strictness, per dataset (pooled, qqp, stsb, mrpc, paws, gptcache), on the 30 % never trained on */
  verifier: { embedder: string; trainedAt: string; thresholds: Record<SemanticStrictness, number>; heldOut: SemanticHeldOut | null };
  /** the worker's vector index (null before it starts): rows, live rows in HNSW graphs, and what graph persistence did */
  index?: SemanticIndexStats | null;
}

export interface SemanticScore { precision: number; hitRate: number; falseHitRate: number; pairs: number }
export type SemanticHeldOut = Partial<Record<SemanticStrictness, Record<string, SemanticScore>>>;

export interface SemanticIndexStats {
  rows: number;
  /** live rows the HNSW graphs hold; the rest are scanned */
  indexed: number;
  buckets: number;
  /** since the worker started: rows inserted into graphs (built), graphs and rows loaded from disk, graphs saved,
   *  loaded graphs dropped because they disagreed with the stored vectors */
  graphInserts: number;
  graphsLoaded: number;
  rowsLoaded: number;
  graphsSaved: number;
  graphsDiscarded: number;
  /** live graphs rebuilt from their live rows, beside the old one, once most of their rows were deleted */
  graphsCompacted: number;
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
