import { createHash, randomBytes } from 'node:crypto';
import { closeSync, createReadStream, openSync, readdirSync, readFileSync, readSync, rmSync, statSync } from 'node:fs';
import { mkdir, open, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import hnswlib from 'hnswlib-node';

export type Graph = InstanceType<typeof hnswlib.HierarchicalNSW>;

/** Whose graphs: one folder per (project, embedder), so a hydration can drop the files of buckets that are gone. */
export interface GraphScope { project: string; embedder: string }

export interface GraphParams { m: number; efConstruction: number; ef: number }

/** The sidecar: what the graph file holds. Written after the graph file, so it is the commit point of a save. */
interface Sidecar {
  version: 1;
  bucket: string;
  embedder: string;
  dim: number;
  params: GraphParams;
  /** the graph file this sidecar describes (a new name each save, so the previous one stays valid until the rename) */
  graphFile: string;
  bytes: number;
  sha1: string;
  /** label → entry id; null where the row was deleted (marked deleted in the graph too) */
  ids: Array<string | null>;
}

const SIDECAR_VERSION = 1;
const SAVE_CHANGED_SHARE = 0.01;
const SAVE_MIN_CHANGES = 64;
const SAVE_MAX_AGE_MS = 10 * 60_000;

/**
 * Whether a changed graph is saved now (close saves every changed one): once its unsaved changes reach 1 % of its
 * rows (at least 64), or its oldest unsaved change is 10 minutes old; after a failed save, not for 10 minutes. A save
 * writes the whole graph (~220 MB at 100k rows), so a few changes to a big graph wait.
 */
export function isSaveDue(changes: number, rows: number, changedAt: number, failedAt: number | null, now: number): boolean {
  if (failedAt !== null && now - failedAt < SAVE_MAX_AGE_MS) return false;
  return changes >= Math.max(SAVE_MIN_CHANGES, rows * SAVE_CHANGED_SHARE) || now - changedAt >= SAVE_MAX_AGE_MS;
}
const sha1Hex = (s: string) => createHash('sha1').update(s).digest('hex');

/** sha1 of a file, read in chunks (a 100k-row graph is ~220 MB) */
function hashFile(path: string): string {
  const hash = createHash('sha1');
  const buf = Buffer.allocUnsafe(4 * 1024 * 1024);
  const fd = openSync(path, 'r');
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      hash.update(buf.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

/** the same, for a save: 1 MB at a time between the worker's other messages */
async function hashFileAsync(path: string): Promise<string> {
  const hash = createHash('sha1');
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function fsyncPath(path: string) {
  const file = await open(path, 'r');
  try { await file.sync(); } finally { await file.close(); }
}

/**
 * hnswlib-node 3.0.0 frees its native index before reading a file and leaves the freed pointer behind when the read
 * throws; that object's destructor would free it again. Such objects are kept referenced so they are never collected.
 */
const poisoned: Graph[] = [];

/**
 * HNSW graphs on disk: `<root>/<sha1(project)>/<sha1(embedder)>/<sha1(bucket)>.json` (sidecar) beside the graph file it
 * names. Saves are atomic (temp file, fsync, rename; the sidecar's rename commits), so a kill at any point leaves
 * either the previous save or the new one. A sidecar or graph that does not check out (version, bucket, embedder,
 * dimensions, size, sha1) is removed and reported as absent: the caller rebuilds.
 */
const dirOf = (root: string, scope: GraphScope) => join(root, sha1Hex(scope.project).slice(0, 16), sha1Hex(scope.embedder).slice(0, 16));

/** whether any graph of this project and embedder is saved (cheap: one stat, for the gateway thread) */
export function hasSavedGraphs(root: string, scope: GraphScope): boolean {
  try { return readdirSync(dirOf(root, scope)).some((n) => n.endsWith('.json')); } catch { return false; }
}

export function createGraphFiles(root: string) {
  const baseOf = (bucket: string) => sha1Hex(bucket);

  function readSidecar(dir: string, base: string): Sidecar | null {
    try {
      return JSON.parse(readFileSync(join(dir, `${base}.json`), 'utf8')) as Sidecar;
    } catch {
      return null;
    }
  }

  function remove(scope: GraphScope, bucket: string) {
    const dir = dirOf(root, scope);
    const base = baseOf(bucket);
    let names: string[];
    try { names = readdirSync(dir); } catch { return; }
    for (const n of names) if (n.startsWith(`${base}.`)) rmSync(join(dir, n), { force: true });
  }

  return {
    /** the bucket's saved graph and its label → entry id list, or null (absent, stale or corrupt: removed) */
    load(scope: GraphScope, bucket: string, dim: number): { graph: Graph; ids: Array<string | null>; params: GraphParams } | null {
      const dir = dirOf(root, scope);
      const base = baseOf(bucket);
      const meta = readSidecar(dir, base);
      if (!meta) {
        remove(scope, bucket);
        return null;
      }
      const graphPath = join(dir, String(meta.graphFile));
      const valid = meta.version === SIDECAR_VERSION && meta.bucket === bucket && meta.embedder === scope.embedder && meta.dim === dim
        && Array.isArray(meta.ids) && typeof meta.params?.ef === 'number' && typeof meta.graphFile === 'string' && meta.graphFile.startsWith(`${base}.`) && !meta.graphFile.includes('/')
        && (() => { try { return statSync(graphPath).size === meta.bytes && hashFile(graphPath) === meta.sha1; } catch { return false; } })();
      if (!valid) {
        remove(scope, bucket);
        return null;
      }
      const graph = new hnswlib.HierarchicalNSW('ip', dim);
      try {
        graph.readIndexSync(graphPath);
      } catch {
        poisoned.push(graph);
        remove(scope, bucket);
        return null;
      }
      if (graph.getCurrentCount() !== meta.ids.length) {
        remove(scope, bucket);
        return null;
      }
      graph.setEf(meta.params.ef);
      return { graph, ids: meta.ids, params: meta.params };
    },

    /**
     * Writes the graph, then its sidecar; each to a temp file, fsynced, then renamed over the old one. The graph is
     * written by hnswlib on libuv's thread pool: searches of it may run meanwhile, changes to it may not.
     */
    async save(scope: GraphScope, bucket: string, dim: number, graph: Graph, ids: Array<string | null>, params: GraphParams) {
      const dir = dirOf(root, scope);
      await mkdir(dir, { recursive: true });
      const base = baseOf(bucket);
      const previous = readSidecar(dir, base)?.graphFile;
      const graphFile = `${base}.${randomBytes(6).toString('hex')}.hnsw`;
      const tmpGraph = join(dir, `${graphFile}.tmp`);
      await graph.writeIndex(tmpGraph);
      await fsyncPath(tmpGraph);
      await rename(tmpGraph, join(dir, graphFile));
      const meta: Sidecar = {
        version: SIDECAR_VERSION, bucket, embedder: scope.embedder, dim, params, graphFile,
        bytes: (await stat(join(dir, graphFile))).size, sha1: await hashFileAsync(join(dir, graphFile)), ids,
      };
      const tmpMeta = join(dir, `${graphFile}.json.tmp`); // unique, like the graph file: two saves never share one
      await writeFile(tmpMeta, JSON.stringify(meta));
      await fsyncPath(tmpMeta);
      await rename(tmpMeta, join(dir, `${base}.json`));
      // makes the renames durable on POSIX; Windows cannot open a directory this way, and its renames need no help
      try { await fsyncPath(dir); } catch { /* see above */ }
      if (previous && previous !== graphFile) await rm(join(dir, previous), { force: true });
    },

    remove,

    /** after a hydration: removes the files of this scope's buckets that are not kept, and leftovers of killed saves */
    prune(scope: GraphScope, keep: Iterable<string>) {
      const dir = dirOf(root, scope);
      let names: string[];
      try { names = readdirSync(dir); } catch { return; }
      const kept = new Set([...keep].map(baseOf));
      const referenced = new Set<string>();
      for (const n of names) {
        if (!n.endsWith('.json')) continue;
        const base = n.slice(0, -'.json'.length);
        const g = kept.has(base) ? readSidecar(dir, base)?.graphFile : undefined;
        if (g) referenced.add(g);
      }
      for (const n of names) {
        const base = n.slice(0, n.indexOf('.'));
        const live = kept.has(base) && (n === `${base}.json` || referenced.has(n));
        if (!live) rmSync(join(dir, n), { force: true });
      }
    },

    /** removes a project's saved graphs of every embedder not kept (after a switch, once no vectors of it are left) */
    pruneEmbedders(project: string, keep: string[]) {
      const dir = join(root, sha1Hex(project).slice(0, 16));
      const kept = new Set(keep.map((e) => sha1Hex(e).slice(0, 16)));
      let names: string[];
      try { names = readdirSync(dir); } catch { return; }
      for (const n of names) if (!kept.has(n)) rmSync(join(dir, n), { recursive: true, force: true });
    },
  };
}

export type GraphFiles = ReturnType<typeof createGraphFiles>;
