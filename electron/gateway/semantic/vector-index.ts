import { isSaveDue, type GraphFiles, type GraphScope } from './graph-files';
import {
  appendShadowRow, compactBucket, copyShadowRows, GRAPH_PARAMS, growBucket, newBucket, newGraph, removeShadowRow, searchBucket, startShadow,
  type Bucket, type Neighbour, type Shadow,
} from './index-bucket';

export type { Neighbour } from './index-bucket';

/** Above this many vectors a bucket gets an HNSW graph; below it, a scan is faster than the graph. */
export const HNSW_MIN_ROWS = 4096;
/** HNSW insertions per background step: small enough that a lookup waiting behind one stays fast */
const INDEX_STEP = 64;
/** rows of a loaded graph compared with their stored vectors: a model changed under the same embedder id shows here */
const CHECKED_ROWS = 16;
const sameVector = (a: number[], b: Float32Array) => a.every((x, i) => Math.abs(x - b[i]!) <= 1e-5);
/** a graph with more deleted rows than this share is rebuilt from its live rows (a graph never shrinks) */
const COMPACT_DELETED_SHARE = 0.5;

export interface VectorIndexOptions {
  schedule?: (fn: () => void) => void;
  /** rows a bucket needs before it gets a graph (default HNSW_MIN_ROWS; tests lower it) */
  minRows?: number;
  /** where graphs are saved and loaded; none = built in memory only */
  files?: GraphFiles | null;
  /** a graph changed: the owner calls persist() later, never on every insert */
  onChange?: () => void;
  now?: () => number;
}

/**
 * Vectors in memory, one bucket per (embedder, context key): a lookup only ever compares prompts that share
 * their whole context and their embedder. Small buckets are scanned; big ones get an HNSW graph
 * (hnswlib-node), built in small steps in the background so lookups never wait for a whole build. With `files`,
 * graphs are saved and, when a bucket is hydrated again, loaded instead of rebuilt.
 */
export function createVectorIndex(options: VectorIndexOptions = {}) {
  const schedule = options.schedule ?? ((fn: () => void) => setImmediate(fn));
  const minRows = options.minRows ?? HNSW_MIN_ROWS;
  const files = options.files ?? null;
  const buckets = new Map<string, Bucket>();
  const where = new Map<string, { bucket: string; row: number }>();
  const counters = { graphInserts: 0, graphsLoaded: 0, rowsLoaded: 0, graphsSaved: 0, graphsDiscarded: 0, graphsCompacted: 0 };
  let building = false;
  const saving = new Set<Promise<string | null>>();

  const now = options.now ?? Date.now;
  const changed = (b: Bucket, n = 1) => {
    if (!b.scope || !files || n === 0) return;
    if (b.changes === 0) b.changedAt = now();
    b.changes += n;
    options.onChange?.();
  };
  const needsBuild = (b: Bucket) => !b.hydrating && !b.saving && (b.graph !== null || b.count >= minRows) && b.indexed < b.count;

  /** a saved graph for a bucket being hydrated: its rows stay deleted until the stored rows match them */
  function adopt(b: Bucket) {
    if (!files || !b.scope) return;
    const loaded = files.load(b.scope, b.key, b.dim);
    if (!loaded) return;
    const n = loaded.ids.length;
    growBucket(b, n);
    b.graph = loaded.graph;
    b.count = n;
    b.indexed = n;
    b.unmatched = new Map();
    for (let row = 0; row < n; row++) {
      b.deleted.add(row);
      const id = loaded.ids[row];
      if (id) b.unmatched.set(id, row);
    }
    counters.graphsLoaded++;
  }

  function bucketOf(key: string, dim: number, scope: GraphScope | null, hydrating: boolean): Bucket {
    let b = buckets.get(key);
    if (!b) {
      b = newBucket(key, dim, scope);
      buckets.set(key, b);
      if (hydrating) adopt(b);
    }
    b.scope ??= scope;
    return b;
  }

  function dropIfEmpty(b: Bucket) {
    if (b.unmatched || b.deleted.size < b.count) return;
    buckets.delete(b.key);
    if (files && b.scope) files.remove(b.scope, b.key);
  }

  /** keeps only the live rows, in order, and drops the graph: it is rebuilt from them in steps */
  function compact(b: Bucket) {
    compactBucket(b, (id, row) => where.set(id, { bucket: b.key, row }));
    if (files && b.scope) files.remove(b.scope, b.key);
    counters.graphsDiscarded++;
  }

  /** inserts the next rows of a bucket into its graph (made on first use) */
  function insertStep(b: Bucket) {
    b.graph ??= newGraph(b.dim, Math.max(b.count * 2, minRows * 2));
    const end = Math.min(b.count, b.indexed + INDEX_STEP);
    if (end > b.graph.getMaxElements()) b.graph.resizeIndex(end * 2);
    for (let row = b.indexed; row < end; row++) {
      b.graph.addPoint(Array.from(b.vectors.subarray(row * b.dim, (row + 1) * b.dim)), row);
      if (b.deleted.has(row)) b.graph.markDelete(row);
    }
    counters.graphInserts += end - b.indexed;
    changed(b, end - b.indexed);
    b.indexed = end;
  }

  /**
   * A live bucket that is mostly deleted rows gets a replacement built beside it from its live rows, while it answers
   * lookups; the replacement takes its place once built. A small one is compacted at once (it is scanned anyway).
   */
  function compactIfMostlyDeleted(b: Bucket) {
    if (!b.graph || b.unmatched || b.hydrating || b.compacting || b.saving || b.deleted.size <= b.count * COMPACT_DELETED_SHARE) return;
    if (b.count - b.deleted.size < minRows) compact(b);
    else b.compacting = startShadow(b);
    scheduleBuild();
  }

  const compactionBusy = (c: Shadow) => c.pending.length > 0 || c.next.indexed < c.next.count;
  const needsWork = (b: Bucket) => needsBuild(b) || (b.compacting !== null && (compactionBusy(b.compacting) || !b.saving));

  function swap(b: Bucket, c: Shadow) {
    b.compacting = null;
    buckets.set(b.key, c.next);
    for (const [id, row] of c.rowOf) where.set(id, { bucket: b.key, row });
    counters.graphsCompacted++;
  }

  function buildStep() {
    building = false;
    for (const b of buckets.values()) {
      if (needsBuild(b)) {
        insertStep(b);
        break;
      }
      const c = b.compacting;
      if (!c) continue;
      if (compactionBusy(c)) {
        copyShadowRows(b, c, INDEX_STEP);
        if (c.next.indexed < c.next.count) insertStep(c.next);
        break;
      }
      // the old graph's save must end first, or its files could land after the replacement's
      if (b.saving) continue;
      swap(b, c);
      break;
    }
    if ([...buckets.values()].some(needsWork)) scheduleBuild();
  }

  /** writes a bucket's graph as it is now; resolves to the error, if any (never rejects) */
  function save(b: Bucket, to: GraphFiles): Promise<string | null> {
    const graph = b.graph!;
    const ids = Array.from({ length: b.indexed }, (_, row) => (b.deleted.has(row) ? null : b.ids[row] ?? null));
    const taken = b.changes;
    const since = b.changedAt;
    b.changes = 0;
    const done = to.save(b.scope!, b.key, b.dim, graph, ids, GRAPH_PARAMS).then(() => {
      b.failedAt = null;
      counters.graphsSaved++;
      return null;
    }, (err: unknown) => {
      b.changes += taken;
      b.changedAt = since;
      b.failedAt = now();
      return err instanceof Error ? err.message : String(err);
    }).then((error) => {
      b.saving = null;
      saving.delete(done);
      for (const row of b.deferredDeletes) graph.markDelete(row);
      b.deferredDeletes = [];
      // dropped while it was written: the files it just wrote must go too
      const current = buckets.get(b.key);
      if (!current && b.scope) to.remove(b.scope, b.key);
      else if (current !== b && current) changed(current);
      if ([...buckets.values()].some(needsWork)) scheduleBuild();
      return error;
    });
    b.saving = done;
    saving.add(done);
    return done;
  }

  function scheduleBuild() {
    if (building) return;
    building = true;
    schedule(buildStep);
  }

  return {
    /**
     * `hydrating`: a stored row of a bucket being loaded, so a saved graph of it may be adopted. Then `vector` may be
     * null (with `dim`): a row the saved graph holds needs none. Returns false when it needs one (send it again with it).
     */
    add(key: string, id: string, vector: Float32Array | null, scope: GraphScope | null = null, hydrating = false, dim = vector?.length ?? 0): boolean {
      if (where.has(id)) {
        if (!vector) return where.get(id)!.bucket === key;
        this.remove(id);
      }
      if (!vector && !(dim > 0)) throw new Error('a row without its vector needs the dimensions of its bucket');
      const b = bucketOf(key, vector?.length ?? dim, scope, hydrating);
      if (hydrating && b.scope) b.hydrating = true;
      if (vector && vector.length !== b.dim) throw new Error(`vector of ${vector.length} dims for a bucket of ${b.dim}`);
      const saved = b.unmatched?.get(id);
      if (saved !== undefined) {
        b.unmatched!.delete(id);
        b.deleted.delete(saved);
        if (vector) {
          b.vectors.set(vector, saved * b.dim);
          // a model changed under the same embedder id shows here
          if (b.checked++ < CHECKED_ROWS && !sameVector(b.graph!.getPoint(saved), vector)) b.disagrees = true;
        }
        b.ids[saved] = id;
        where.set(id, { bucket: key, row: saved });
        counters.rowsLoaded++;
        return true;
      }
      if (!vector) return false;
      growBucket(b, b.count + 1);
      b.vectors.set(vector, b.count * b.dim);
      b.ids[b.count] = id;
      where.set(id, { bucket: key, row: b.count });
      b.count++;
      if (b.compacting) appendShadowRow(b.compacting, id, vector);
      if (needsBuild(b)) scheduleBuild();
      return true;
    },
    remove(id: string): boolean {
      const at = where.get(id);
      if (!at) return false;
      where.delete(id);
      const b = buckets.get(at.bucket)!;
      b.deleted.add(at.row);
      if (b.graph && at.row < b.indexed) {
        if (b.saving) b.deferredDeletes.push(at.row);
        else b.graph.markDelete(at.row);
        changed(b);
      }
      if (b.compacting) removeShadowRow(b.compacting, id);
      dropIfEmpty(b);
      if (buckets.get(b.key) === b) compactIfMostlyDeleted(b);
      return true;
    },
    /**
     * A scope's stored rows have all been added. Rows of loaded graphs that no stored row matched (invalidated or
     * expired meanwhile) are deleted; a graph that disagrees with the stored vectors or is mostly deleted rows is
     * rebuilt from the live rows. Saved files of buckets without rows are removed, and those of embedders the project
     * has no vectors of any more (`embedders`: those it has).
     */
    settle(scope: GraphScope, embedders: string[] = []): { rehydrate: string[] } {
      const same = (s: GraphScope | null) => s?.project === scope.project && s.embedder === scope.embedder;
      const rehydrate: string[] = [];
      for (const b of [...buckets.values()]) {
        if (same(b.scope)) b.hydrating = false;
        if (!same(b.scope) || !b.unmatched) continue;
        if (b.disagrees) {
          // its rows matched without a vector have only the graph's, which is wrong: the caller sends them all again
          for (const id of b.ids) if (id && where.get(id)?.bucket === b.key) where.delete(id);
          buckets.delete(b.key);
          files?.remove(b.scope!, b.key);
          counters.graphsDiscarded++;
          rehydrate.push(b.key);
          continue;
        }
        for (const row of b.unmatched.values()) b.graph!.markDelete(row);
        changed(b, b.unmatched.size);
        b.unmatched = null;
        dropIfEmpty(b);
        if (buckets.has(b.key)) compactIfMostlyDeleted(b);
      }
      if ([...buckets.values()].some(needsBuild)) scheduleBuild();
      files?.prune(scope, [...buckets.values()].filter((b) => same(b.scope)).map((b) => b.key));
      const inMemory = [...buckets.values()].filter((b) => b.scope?.project === scope.project).map((b) => b.scope!.embedder);
      files?.pruneEmbedders(scope.project, [scope.embedder, ...embedders, ...inMemory]);
      return { rehydrate };
    },
    /**
     * Saves changed graphs that are due (see isSaveDue), or with `all` (close) every changed one, once the saves
     * under way are written. A graph still being built waits for its build unless `all`. Lookups go on during a
     * save. `pending`: changed graphs left unsaved.
     */
    async persist(all = false): Promise<{ saved: number; pending: number; errors: string[] }> {
      const errors: string[] = [];
      let saved = 0;
      let pending = 0;
      if (!files) return { saved, pending, errors };
      if (all && saving.size) await Promise.all([...saving]);
      const started: Array<Promise<string | null>> = [];
      for (const b of buckets.values()) {
        if (!b.changes || !b.graph || !b.scope || b.unmatched) continue;
        if (b.saving || (!all && (b.indexed < b.count || !isSaveDue(b.changes, b.indexed, b.changedAt, b.failedAt, now())))) {
          pending++;
          continue;
        }
        started.push(save(b, files));
      }
      for (const error of await Promise.all(started)) {
        if (error === null) saved++;
        else { errors.push(error); pending++; }
      }
      return { saved, pending, errors };
    },
    has: (id: string) => where.has(id),
    get size() { return where.size; },
    /** the k most similar live vectors of the bucket, most similar first */
    search(key: string, query: Float32Array, k: number): Neighbour[] {
      const b = buckets.get(key);
      return b ? searchBucket(b, query, k) : [];
    },
    /** rows and how many of them the HNSW graphs hold (the rest are scanned), and what persistence did */
    stats() {
      let rows = 0;
      let indexed = 0;
      for (const b of buckets.values()) {
        rows += b.count - b.deleted.size;
        if (b.graph) for (let row = 0; row < b.indexed; row++) if (!b.deleted.has(row)) indexed++;
      }
      return { rows, indexed, buckets: buckets.size, ...counters };
    },
    clear() { buckets.clear(); where.clear(); },
  };
}

export type VectorIndex = ReturnType<typeof createVectorIndex>;
