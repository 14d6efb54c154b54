import type { EmbedWorkerClient } from '../embed/embed-worker-client';
import type { SemanticRepo } from '../store/repos/semantic-repo';
import { hasSavedGraphs } from './graph-files';

/** stored rows read and sent to the worker per step (~2 MB with vectors at 512 dimensions) */
const HYDRATE_PAGE = 1000;
/** one stored row in this many comes with its vector even when a saved graph holds it, to compare the two */
const CHECK_EVERY = 64;

export interface IndexedEntry { text: string; minSimilarity: number | null; bucket: string }

export interface HydrateDeps {
  repo: SemanticRepo;
  worker: EmbedWorkerClient;
  /** <dataDir>/semantic-index */
  indexDir: string;
  /** the main thread's view of indexed entries: filled here */
  meta: Map<string, IndexedEntry>;
  bucketOf: (embedder: string, contextKey: string) => string;
}

/**
 * Loads a project's stored vectors of one embedder into the worker's index. Saved graphs of its buckets are loaded
 * and matched with the stored rows by entry id: a row a graph holds needs no vector sent, except one in CHECK_EVERY,
 * which the worker compares with the graph's. Vectors are read only for the rows the graphs lack, and those are
 * built. A page at a time: one read of 100k vectors held the event loop for ~2 s.
 */
export async function hydrateIndex(deps: HydrateDeps, project: string, embedder: { id: string; dim: number }) {
  const { repo, worker, meta } = deps;
  const scope = { project, embedder: embedder.id };
  // with no saved graph (a first start), every vector is needed: read them with the rows
  const saved = hasSavedGraphs(deps.indexDir, scope);
  const sendVectors = async (ids: string[]) => {
    for (let i = 0; i < ids.length; i += HYDRATE_PAGE) {
      const vectors = repo.vectorsOf(ids.slice(i, i + HYDRATE_PAGE), embedder.id);
      // an entry forgotten meanwhile (invalidated) is left out
      const items = [...vectors].filter(([id]) => meta.has(id)).map(([id, vector]) => ({ bucket: meta.get(id)!.bucket, id, vector }));
      await worker.add(items, scope, true);
    }
  };
  for (let cursor = 0; ;) {
    const page = repo.pageForProject(project, embedder.id, cursor, HYDRATE_PAGE, !saved);
    if (!page.rows.length) break;
    cursor = page.cursor;
    const checked = saved ? repo.vectorsOf(page.rows.filter((_, i) => i % CHECK_EVERY === 0).map((r) => r.entryId), embedder.id) : null;
    const items = page.rows.map((r) => {
      const bucket = deps.bucketOf(r.embedder, r.contextKey);
      meta.set(r.entryId, { text: r.text, minSimilarity: r.minSimilarity, bucket });
      return { bucket, id: r.entryId, vector: checked ? checked.get(r.entryId) : r.vector! };
    });
    await sendVectors((await worker.add(items, scope, true, embedder.dim)).missing);
  }
  const { rehydrate } = await worker.settle(scope, repo.listEmbedders(project));
  if (rehydrate.length) {
    // graphs that disagreed with the stored vectors were dropped: their rows again, all with vectors
    const buckets = new Set(rehydrate);
    await sendVectors([...meta].filter(([, m]) => buckets.has(m.bucket)).map(([id]) => id));
    await worker.settle(scope, repo.listEmbedders(project));
  }
}
