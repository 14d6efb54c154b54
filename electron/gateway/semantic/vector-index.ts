import hnswlib from 'hnswlib-node';
import { dot } from '../embed/normalize';

export interface Neighbour { id: string; similarity: number }

/** Above this many vectors a bucket gets an HNSW graph; below it, a scan is faster than the graph. */
export const HNSW_MIN_ROWS = 4096;
/** HNSW insertions per background step: small enough that a lookup waiting behind one stays fast */
const INDEX_STEP = 64;

interface Bucket {
  dim: number;
  ids: string[];
  vectors: Float32Array;
  count: number;
  /** rows [0, indexed) are in the graph; the tail is scanned */
  indexed: number;
  graph: InstanceType<typeof hnswlib.HierarchicalNSW> | null;
  deleted: Set<number>;
}

/**
 * Vectors in memory, one bucket per (embedder, context key): a lookup only ever compares prompts that share
 * their whole context and their embedder. Small buckets are scanned; big ones get an HNSW graph
 * (hnswlib-node), built in small steps in the background so lookups never wait for a whole build.
 */
export function createVectorIndex(schedule: (fn: () => void) => void = (fn) => setImmediate(fn)) {
  const buckets = new Map<string, Bucket>();
  const where = new Map<string, { bucket: string; row: number }>();
  let building = false;

  function bucketOf(key: string, dim: number): Bucket {
    let b = buckets.get(key);
    if (!b) {
      b = { dim, ids: [], vectors: new Float32Array(dim * 16), count: 0, indexed: 0, graph: null, deleted: new Set() };
      buckets.set(key, b);
    }
    return b;
  }

  function buildStep() {
    building = false;
    let more = false;
    for (const b of buckets.values()) {
      if (b.count < HNSW_MIN_ROWS || b.indexed >= b.count) continue;
      if (!b.graph) {
        b.graph = new hnswlib.HierarchicalNSW('ip', b.dim);
        b.graph.initIndex({ maxElements: Math.max(b.count * 2, HNSW_MIN_ROWS * 2), m: 16, efConstruction: 100, allowReplaceDeleted: false });
        b.graph.setEf(64);
      }
      const end = Math.min(b.count, b.indexed + INDEX_STEP);
      if (end > b.graph.getMaxElements()) b.graph.resizeIndex(end * 2);
      for (let row = b.indexed; row < end; row++) {
        b.graph.addPoint(Array.from(b.vectors.subarray(row * b.dim, (row + 1) * b.dim)), row);
        if (b.deleted.has(row)) b.graph.markDelete(row);
      }
      b.indexed = end;
      if (b.indexed < b.count) more = true;
      break;
    }
    if (more || [...buckets.values()].some((b) => b.count >= HNSW_MIN_ROWS && b.indexed < b.count)) scheduleBuild();
  }

  function scheduleBuild() {
    if (building) return;
    building = true;
    schedule(buildStep);
  }

  return {
    add(key: string, id: string, vector: Float32Array) {
      if (where.has(id)) this.remove(id);
      const b = bucketOf(key, vector.length);
      if (vector.length !== b.dim) throw new Error(`vector of ${vector.length} dims for a bucket of ${b.dim}`);
      if ((b.count + 1) * b.dim > b.vectors.length) {
        const grown = new Float32Array(b.vectors.length * 2);
        grown.set(b.vectors);
        b.vectors = grown;
      }
      b.vectors.set(vector, b.count * b.dim);
      b.ids[b.count] = id;
      where.set(id, { bucket: key, row: b.count });
      b.count++;
      if (b.count >= HNSW_MIN_ROWS) scheduleBuild();
    },
    remove(id: string): boolean {
      const at = where.get(id);
      if (!at) return false;
      where.delete(id);
      const b = buckets.get(at.bucket)!;
      b.deleted.add(at.row);
      if (b.graph && at.row < b.indexed) b.graph.markDelete(at.row);
      if (b.deleted.size === b.count) buckets.delete(at.bucket);
      return true;
    },
    has: (id: string) => where.has(id),
    get size() { return where.size; },
    /** the k most similar live vectors of the bucket, most similar first */
    search(key: string, query: Float32Array, k: number): Neighbour[] {
      const b = buckets.get(key);
      if (!b) return [];
      const found: Neighbour[] = [];
      const consider = (row: number, similarity: number) => {
        if (b.deleted.has(row)) return;
        found.push({ id: b.ids[row]!, similarity });
      };
      if (b.graph && b.indexed > 0) {
        const live = b.indexed - [...b.deleted].filter((r) => r < b.indexed).length;
        const res = b.graph.searchKnn(Array.from(query), Math.min(k, Math.max(live, 1)));
        res.neighbors.forEach((row, i) => consider(row, 1 - res.distances[i]!));
      }
      for (let row = b.graph ? b.indexed : 0; row < b.count; row++) {
        if (b.deleted.has(row)) continue;
        consider(row, dot(query, b.vectors.subarray(row * b.dim, (row + 1) * b.dim)));
      }
      found.sort((x, y) => y.similarity - x.similarity);
      return found.slice(0, k);
    },
    /** rows and how many of them the HNSW graphs hold (the rest are scanned) */
    stats() {
      let rows = 0;
      let indexed = 0;
      for (const b of buckets.values()) { rows += b.count - b.deleted.size; indexed += b.graph ? b.indexed : 0; }
      return { rows, indexed, buckets: buckets.size };
    },
    clear() { buckets.clear(); where.clear(); },
  };
}

export type VectorIndex = ReturnType<typeof createVectorIndex>;
