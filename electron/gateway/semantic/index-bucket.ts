// One bucket of the vector index: the rows of one (embedder, context key), its HNSW graph, and what is scanned.
import hnswlib from 'hnswlib-node';
import { dot } from '../embed/normalize';
import type { Graph, GraphParams, GraphScope } from './graph-files';

export const GRAPH_PARAMS: GraphParams = { m: 16, efConstruction: 100, ef: 64 };

export interface Neighbour { id: string; similarity: number }

/** Vectors, ids and graph of one (embedder, context key); rows are positions, never reused (a graph's labels). */
export interface Bucket {
  key: string;
  /** where its graph is saved; null = not persisted */
  scope: GraphScope | null;
  dim: number;
  ids: Array<string | undefined>;
  vectors: Float32Array;
  count: number;
  /** rows [0, indexed) are in the graph; the tail is scanned */
  indexed: number;
  graph: Graph | null;
  deleted: Set<number>;
  /** its stored rows are being loaded: it is built once they all are (building meanwhile only slows the load) */
  hydrating: boolean;
  /** a graph loaded from disk whose rows are not all matched with stored rows yet: entry id → row */
  unmatched: Map<string, number> | null;
  /** matched rows that came with their stored vector and were compared with the graph's; whether one differed */
  checked: number;
  disagrees: boolean;
  /** graph changes since its last save, and when the first of them happened */
  changes: number;
  changedAt: number;
  /** the last save failed then (disk full?): the next try waits (isSaveDue) */
  failedAt: number | null;
  /** a save of its graph is being written: the graph is only searched meanwhile, never changed */
  saving: Promise<string | null> | null;
  /** rows removed during a save, marked deleted in the graph once it is written */
  deferredDeletes: number[];
  /** mostly deleted rows: a replacement of its live rows is built beside it, and takes its place once built */
  compacting: Shadow | null;
}

/** A bucket's replacement while it is built: where each entry is in it, and the old rows still to copy. */
export interface Shadow {
  next: Bucket;
  rowOf: Map<string, number>;
  pending: number[];
}

export function newBucket(key: string, dim: number, scope: GraphScope | null): Bucket {
  return {
    key, scope, dim, ids: [], vectors: new Float32Array(dim * 16), count: 0, indexed: 0, graph: null,
    deleted: new Set(), hydrating: false, unmatched: null, checked: 0, disagrees: false, changes: 0, changedAt: 0, failedAt: null,
    saving: null, deferredDeletes: [], compacting: null,
  };
}

export function newGraph(dim: number, maxElements: number): Graph {
  const graph = new hnswlib.HierarchicalNSW('ip', dim);
  graph.initIndex({ maxElements, m: GRAPH_PARAMS.m, efConstruction: GRAPH_PARAMS.efConstruction, allowReplaceDeleted: false });
  graph.setEf(GRAPH_PARAMS.ef);
  return graph;
}

/** a row's vector: rows matched to a loaded graph without their stored vector have it only in the graph */
const vectorOf = (b: Bucket, row: number): Float32Array | number[] =>
  b.graph && row < b.indexed ? b.graph.getPoint(row) : b.vectors.subarray(row * b.dim, (row + 1) * b.dim);

/** starts a replacement of a mostly deleted bucket: its live rows are copied into it a step at a time */
export function startShadow(b: Bucket): Shadow {
  const pending: number[] = [];
  for (let row = b.count - 1; row >= 0; row--) if (!b.deleted.has(row)) pending.push(row);
  const next = newBucket(b.key, b.dim, b.scope);
  next.graph = newGraph(b.dim, Math.max(pending.length * 2, 16));
  return { next, rowOf: new Map(), pending };
}

export function appendShadowRow(s: Shadow, id: string, vector: Float32Array | number[]) {
  const n = s.next;
  growBucket(n, n.count + 1);
  n.vectors.set(vector, n.count * n.dim);
  n.ids[n.count] = id;
  s.rowOf.set(id, n.count);
  n.count++;
}

/** copies up to `rows` live rows of the old bucket, oldest first; rows removed since the start are skipped */
export function copyShadowRows(b: Bucket, s: Shadow, rows: number) {
  for (let copied = 0; copied < rows && s.pending.length;) {
    const row = s.pending.pop()!;
    if (b.deleted.has(row)) continue;
    appendShadowRow(s, b.ids[row]!, vectorOf(b, row));
    copied++;
  }
}

export function removeShadowRow(s: Shadow, id: string) {
  const row = s.rowOf.get(id);
  if (row === undefined) return; // not copied yet: the copy skips it
  s.rowOf.delete(id);
  s.next.deleted.add(row);
  if (s.next.graph && row < s.next.indexed) s.next.graph.markDelete(row);
}

export function growBucket(b: Bucket, rows: number) {
  if (rows * b.dim <= b.vectors.length) return;
  const grown = new Float32Array(Math.max(rows * b.dim, b.vectors.length * 2));
  grown.set(b.vectors);
  b.vectors = grown;
}

/** keeps only the live rows, in order, and drops the graph; `moved` learns each row's new position */
export function compactBucket(b: Bucket, moved: (id: string, row: number) => void) {
  const vectors = new Float32Array(Math.max(b.count - b.deleted.size, 16) * b.dim);
  const ids: string[] = [];
  for (let row = 0; row < b.count; row++) {
    if (b.deleted.has(row)) continue;
    const id = b.ids[row]!;
    vectors.set(vectorOf(b, row), ids.length * b.dim);
    moved(id, ids.length);
    ids.push(id);
  }
  Object.assign(b, { vectors, ids, count: ids.length, indexed: 0, graph: null, deleted: new Set<number>(), changes: 0 });
}

/** the k most similar live rows: the graph's rows searched, the unbuilt tail scanned */
export function searchBucket(b: Bucket, query: Float32Array, k: number): Neighbour[] {
  const found: Neighbour[] = [];
  const consider = (row: number, similarity: number) => {
    if (b.deleted.has(row)) return;
    found.push({ id: b.ids[row]!, similarity });
  };
  if (b.graph && b.indexed > 0) {
    let deletedInGraph = 0;
    for (const r of b.deleted) if (r < b.indexed) deletedInGraph++;
    // rows removed during a save are still live in the graph: asked for too, then dropped above
    const live = b.indexed - deletedInGraph + b.deferredDeletes.length;
    const res = b.graph.searchKnn(Array.from(query), Math.min(k + b.deferredDeletes.length, Math.max(live, 1)));
    res.neighbors.forEach((row, i) => consider(row, 1 - res.distances[i]!));
  }
  for (let row = b.graph ? b.indexed : 0; row < b.count; row++) {
    if (b.deleted.has(row)) continue;
    consider(row, dot(query, b.vectors.subarray(row * b.dim, (row + 1) * b.dim)));
  }
  found.sort((x, y) => y.similarity - x.similarity);
  return found.slice(0, k);
}
