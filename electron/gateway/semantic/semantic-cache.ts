import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Endpoint, SemanticEntryInfo, SemanticMatch, SemanticSettings, SemanticStatus } from '../../../shared/api/dto';
import type { EventHub } from '../admin/event-hub';
import type { ExactCache } from '../cache/exact-cache';
import { createEmbedWorkerClient } from '../embed/embed-worker-client';
import type { Embedder } from '../embed/embedder';
import { dot } from '../embed/normalize';
import { loadProviderEmbedder } from '../embed/provider-embedder';
import type { Logger } from '../log';
import type { ProviderRegistry } from '../providers/provider-settings';
import type { Store } from '../store/db';
import type { StoredEntry } from '../store/repos/cache-repo';
import type { SemanticRepo } from '../store/repos/semantic-repo';
import { hydrateIndex, type IndexedEntry } from './hydrate-index';
import { buildSemanticContext } from './semantic-context';
import { loadVerifierModel, type VerifierModel } from './verifier';
import { CANDIDATES_PER_LOOKUP, decideCandidates, type Candidate, type Verdict } from './verify-candidates';

/** The embedded prompt of a lookup, kept so a miss can be stored without embedding twice. */
export interface PreparedLookup { project: string; contextKey: string; text: string; embedder: string; vector: Float32Array }

export type LookupResult =
  | { hit: true; entry: StoredEntry; match: SemanticMatch; prepared: PreparedLookup }
  | { hit: false; reason: string; prepared: PreparedLookup | null; borderline?: Borderline };

/** A candidate just short of the threshold, for the project's LLM judge (only looked for when it has one). */
export interface Borderline { entry: StoredEntry; match: SemanticMatch }

/** how far below the strictness threshold a candidate may be to go to the judge, unless the project says */
export const DEFAULT_JUDGE_BAND = 0.15;

interface ActiveEmbedder { id: string; dim: number; embedSearch(bucket: string, text: string, k: number): Promise<{ vector: Float32Array; neighbours: Array<{ id: string; similarity: number }> }>; embed(texts: string[]): Promise<Float32Array[]> }

const RESOURCE_MODELS = fileURLToPath(new URL('../../../resources/models', import.meta.url));
const REEMBED_BATCH = 32;
/** a wrong report lifts the entry's bar just above the similarity that fooled it */
const TIGHTEN_STEP = 0.01;

export interface SemanticCacheDeps {
  store: Store;
  repo: SemanticRepo;
  exactCache: ExactCache;
  providers: ProviderRegistry;
  events: EventHub;
  log: Logger;
  dataDir: string;
  modelDirs?: string[];
  modelHost?: string;
  /** the learned verifier (default resources/semantic-verifier.json) */
  verifierFile?: string;
  verifier?: VerifierModel;
  /** HNSW graphs: rows before a bucket gets one (default 4,096), how often changed graphs are checked for a save (default 30 s) */
  index?: { minRows?: number; saveDelayMs?: number };
}

const bucketOf = (embedder: string, contextKey: string) => `${embedder}|${contextKey}`;

/**
 * The semantic layer: per project, an embedder (worker thread, or a provider's /v1/embeddings), an index of
 * cached prompts, and the learned verifier. Nothing loads until a project with semantic caching on asks.
 */
export function createSemanticCache(deps: SemanticCacheDeps) {
  const downloadDir = join(deps.dataDir, 'models');
  const indexDir = join(deps.dataDir, 'semantic-index');
  const worker = createEmbedWorkerClient(
    {
      modelDirs: deps.modelDirs ?? [RESOURCE_MODELS, downloadDir], downloadDir, modelHost: deps.modelHost,
      indexDir, hnswMinRows: deps.index?.minRows, indexSaveDelayMs: deps.index?.saveDelayMs,
    },
    (progress) => deps.events.publish({ type: 'embedder', action: 'progress', ...progress }),
    (err) => deps.log.error('embed worker failed', { err }),
  );
  let verifier = deps.verifier ?? null;
  const embedders = new Map<string, Promise<ActiveEmbedder>>();
  /** what the main thread needs about each indexed entry: its prompt (for the verifier) and its bar */
  const meta = new Map<string, IndexedEntry>();
  const hydrated = new Map<string, Promise<void>>();
  const reembedding = new Set<string>();

  async function activate(settings: SemanticSettings): Promise<ActiveEmbedder> {
    const key = `${settings.embedder}|${settings.allowModelDownload}`;
    let active = embedders.get(key);
    if (!active) {
      active = (async (): Promise<ActiveEmbedder> => {
        if (settings.embedder.startsWith('provider:')) {
          const e: Embedder = await loadProviderEmbedder(settings.embedder.slice('provider:'.length), deps.providers);
          return {
            id: e.id, dim: e.dim, embed: (t) => e.embed(t),
            async embedSearch(bucket, text, k) {
              const [vector] = await e.embed([text]);
              return { vector: vector!, neighbours: await worker.search(bucket, vector!, k) };
            },
          };
        }
        const { id, dim } = await worker.load(settings.embedder, settings.allowModelDownload);
        deps.events.publish({ type: 'embedder', action: 'ready', embedder: id });
        return {
          id, dim, embed: (t) => worker.embed(id, t),
          embedSearch: async (bucket, text, k) => worker.embedSearch(id, bucket, text, k),
        };
      })();
      embedders.set(key, active);
      active.catch(() => embedders.delete(key));
    }
    return active;
  }

  /** loads a project's stored vectors of this embedder into the index, once; others get re-embedded */
  function hydrate(project: string, embedder: ActiveEmbedder): Promise<void> {
    const key = `${project}|${embedder.id}`;
    // concurrent lookups wait for the same hydration rather than search a half-loaded index
    let done = hydrated.get(key);
    if (!done) {
      done = loadStored(project, embedder);
      hydrated.set(key, done);
      done.catch(() => hydrated.delete(key));
    }
    return done;
  }

  async function loadStored(project: string, embedder: ActiveEmbedder) {
    deps.store.flush();
    await hydrateIndex({ repo: deps.repo, worker, indexDir, meta, bucketOf }, project, embedder);
    void reembed(project, embedder);
  }

  /** after an embedder switch: re-embeds the project's prompts in the background, a batch at a time */
  async function reembed(project: string, embedder: ActiveEmbedder) {
    const key = `${project}|${embedder.id}`;
    if (reembedding.has(key)) return;
    reembedding.add(key);
    try {
      for (;;) {
        deps.store.flush();
        const stale = deps.repo.listStale(embedder.id, project, REEMBED_BATCH);
        if (!stale.length) break;
        const vectors = await embedder.embed(stale.map((r) => r.text));
        const items = stale.map((r, i) => ({ bucket: bucketOf(embedder.id, r.contextKey), id: r.entryId, vector: vectors[i]! }));
        await worker.remove(stale.map((r) => r.entryId));
        for (const [i, r] of stale.entries()) {
          deps.repo.setVector(r.entryId, embedder.id, vectors[i]!);
          meta.set(r.entryId, { text: r.text, minSimilarity: r.minSimilarity, bucket: items[i]!.bucket });
        }
        await worker.add(items, { project, embedder: embedder.id });
      }
    } catch (err) {
      deps.log.error('re-embedding failed', { project, err });
    } finally {
      reembedding.delete(key);
    }
  }

  function getVerifier(): VerifierModel {
    verifier ??= loadVerifierModel(deps.verifierFile);
    return verifier;
  }

  return {
    get started() { return worker.started; },

    async status(): Promise<SemanticStatus> {
      const loaded = await Promise.all([...embedders.values()].map((e) => e.then((x) => x.id, () => null)));
      const v = getVerifier();
      return {
        workerStarted: worker.started, embedders: [...new Set(loaded.filter((x): x is string => x !== null))], indexedEntries: meta.size,
        index: worker.started ? await worker.stats().then(({ op: _op, ...stats }) => stats, () => null) : null,
        verifier: { embedder: v.embedder, trainedAt: v.trainedAt, thresholds: v.thresholds, heldOut: v.heldOut ?? null },
      };
    },

    /** starts loading a project's embedder (and its stored vectors) before its first request */
    warm(project: string, settings: SemanticSettings) {
      void activate(settings).then((e) => hydrate(project, e)).catch((err) => deps.log.warn('semantic warm-up failed', { project, err }));
    },

    async lookup(input: { project: string; settings: SemanticSettings; namespace: string; endpoint: Endpoint; body: Record<string, unknown> }): Promise<LookupResult> {
      const context = buildSemanticContext(input.namespace, input.endpoint, input.body);
      if (!context) return { hit: false, reason: 'no text-only last user turn to compare', prepared: null };
      const embedder = await activate(input.settings);
      await hydrate(input.project, embedder);
      const bucket = bucketOf(embedder.id, context.contextKey);
      const { vector, neighbours } = await embedder.embedSearch(bucket, context.text, CANDIDATES_PER_LOOKUP);
      const prepared = { project: input.project, contextKey: context.contextKey, text: context.text, embedder: embedder.id, vector };
      const candidates: Candidate[] = [];
      const gone: string[] = [];
      for (const n of neighbours) {
        const m = meta.get(n.id);
        // entries invalidated or expired since they were indexed drop out here
        if (!m || !deps.exactCache.get(n.id)) { gone.push(n.id); continue; }
        candidates.push({ id: n.id, similarity: n.similarity, text: m.text, minSimilarity: m.minSimilarity });
      }
      if (gone.length) this.forget(gone);
      const model = getVerifier();
      const judge = input.settings.judge;
      const decision = decideCandidates(model, input.settings.strictness, context.text, candidates, judge ? judge.band ?? DEFAULT_JUDGE_BAND : null);
      const verdict = decision.hit;
      const toMatch = (v: Verdict): SemanticMatch => ({
        entryId: v.id, prompt: meta.get(v.id)!.text, similarity: v.similarity, probability: v.probability, threshold: v.threshold, embedder: embedder.id,
      });
      if (!verdict) {
        const best = candidates[0];
        const reason = best ? `nearest cached prompt (similarity ${best.similarity.toFixed(3)}): ${decision.nearestRejected}` : 'no similar cached prompt';
        const near = decision.borderline;
        const nearEntry = near ? deps.exactCache.get(near.id) : null;
        return { hit: false, prepared, reason, ...(near && nearEntry ? { borderline: { entry: nearEntry, match: toMatch(near) } } : {}) };
      }
      const entry = deps.exactCache.get(verdict.id);
      if (!entry) {
        this.forget([verdict.id]);
        return { hit: false, prepared, reason: 'the matched entry expired' };
      }
      return { hit: true, entry, match: toMatch(verdict), prepared };
    },

    store(entryId: string, prepared: PreparedLookup) {
      const bucket = bucketOf(prepared.embedder, prepared.contextKey);
      meta.set(entryId, { text: prepared.text, minSimilarity: null, bucket });
      const { project, ...row } = prepared;
      deps.store.enqueue(() => deps.repo.insert({ entryId, ...row }));
      void worker.add([{ bucket, id: entryId, vector: prepared.vector }], { project, embedder: prepared.embedder }).catch((err) => deps.log.error('semantic index add failed', { err }));
    },

    describe(entryId: string): SemanticEntryInfo | null {
      const r = deps.repo.get(entryId);
      if (!r) return null;
      return { text: r.text, embedder: r.vector ? r.embedder : null, minSimilarity: r.minSimilarity, wrongReports: r.wrongReports, lastSimilarity: r.lastSimilarity };
    },

    recordHit(entryId: string, similarity: number) {
      deps.store.enqueue(() => deps.repo.setLastSimilarity(entryId, similarity));
    },

    /** a hit on this entry was wrong: from now on it needs a closer match than the one that fooled it */
    reportWrong(entryId: string, similarity?: number): { minSimilarity: number } | null {
      deps.store.flush();
      const row = deps.repo.get(entryId);
      if (!row) return null;
      const fooledAt = similarity ?? row.lastSimilarity ?? 0.9;
      const next = Math.min(1, Math.max(row.minSimilarity ?? 0, fooledAt + TIGHTEN_STEP));
      deps.repo.tighten(entryId, next);
      const m = meta.get(entryId);
      if (m) m.minSimilarity = next;
      return { minSimilarity: next };
    },

    /** entries (of a project) whose prompt means about the same as `text`, by cosine similarity */
    async findSimilar(project: string, settings: SemanticSettings, text: string, minSimilarity: number): Promise<string[]> {
      const embedder = await activate(settings);
      await hydrate(project, embedder);
      deps.store.flush();
      const rows = deps.repo.listForProject(project, embedder.id);
      if (!rows.length) return [];
      const [query] = await embedder.embed([text]);
      return rows.filter((r) => dot(query!, r.vector!) >= minSimilarity).map((r) => r.entryId);
    },

    /** after entries were removed in bulk (invalidation by filter, expiry sweep): drops them from the index too */
    forgetRemoved() {
      if (!meta.size) return;
      deps.store.flush();
      const stored = deps.repo.listEntryIds();
      this.forget([...meta.keys()].filter((id) => !stored.has(id)));
    },

    /** drops removed entries from the index */
    forget(ids: string[]) {
      const known = ids.filter((id) => meta.delete(id));
      if (known.length && worker.started) void worker.remove(known).catch(() => undefined);
    },

    close: () => worker.close(),
  };
}

export type SemanticCache = ReturnType<typeof createSemanticCache>;
