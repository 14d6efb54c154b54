import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { normalizeVector } from '../embed/normalize';
import { createGraphFiles, type GraphScope } from './graph-files';
import { createVectorIndex } from './vector-index';

const DIM = 24;
const ROWS = 300;
const MIN_ROWS = 100;
const BUCKET = 'use-lite@1|ctx';
const SCOPE: GraphScope = { project: 'support', embedder: 'use-lite@1' };

function vec(seed: number, dim = DIM): Float32Array {
  const v = new Float32Array(dim);
  let x = seed * 7919 + 104729;
  for (let i = 0; i < dim; i++) { x = (x * 9301 + 49297) % 233280; v[i] = x / 233280 - 0.5; }
  return normalizeVector(v);
}

let root: string;
let clock = 0;
beforeEach(() => { root = mkdtempSync(join(tmpdir(), 'tollgate-graphs-')); clock = 0; });
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** an index whose build steps run when drained, persisting under root */
function openIndex() {
  const steps: Array<() => void> = [];
  const index = createVectorIndex({ schedule: (fn) => steps.push(fn), minRows: MIN_ROWS, files: createGraphFiles(root), now: () => clock });
  const drain = () => { while (steps.length) steps.shift()!(); };
  return { index, drain };
}

/** a restart: the stored rows (id → vector) are hydrated into a fresh index, then settled */
function hydrate(rows: Array<[string, Float32Array]>, { withVectors = false } = {}) {
  const opened = openIndex();
  const vectors = new Map(rows);
  const dim = rows[0]?.[1].length ?? DIM;
  // as the gateway does: vectors only for one row in 64, then for the rows the saved graph lacks
  const missing = rows.filter(([id, v], i) => !opened.index.add(BUCKET, id, withVectors || i % 64 === 0 ? v : null, SCOPE, true, dim));
  for (const [id, v] of missing) expect(opened.index.add(BUCKET, id, v, SCOPE, true)).toBe(true);
  const { rehydrate } = opened.index.settle(SCOPE);
  if (rehydrate.length) {
    for (const [id] of rows) opened.index.add(BUCKET, id, vectors.get(id)!, SCOPE, true);
    expect(opened.index.settle(SCOPE).rehydrate).toEqual([]);
  }
  opened.drain();
  return opened;
}

const stored = (from: number, to: number, dim = DIM): Array<[string, Float32Array]> =>
  Array.from({ length: to - from }, (_, i) => [`e${from + i}`, vec(from + i, dim)]);

function savedFiles(): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d, { withFileTypes: true })) {
      if (n.isDirectory()) walk(join(d, n.name));
      else out.push(join(d, n.name));
    }
  };
  walk(root);
  return out.sort();
}
const graphFile = () => savedFiles().find((f) => f.endsWith('.hnsw'))!;
const sidecarFile = () => savedFiles().find((f) => f.endsWith('.json'))!;

async function buildAndSave() {
  const { index } = hydrate(stored(0, ROWS));
  expect(index.stats()).toMatchObject({ indexed: ROWS, graphInserts: ROWS, graphsLoaded: 0 });
  expect(await index.persist()).toEqual({ saved: 1, pending: 0, errors: [] });
  return index;
}

const top = (index: ReturnType<typeof createVectorIndex>, seed: number, dim = DIM) => index.search(BUCKET, vec(seed, dim), 5);

describe('HNSW graph persistence', () => {
  it('saves a built graph (graph file + sidecar) and a restart loads it instead of rebuilding', async () => {
    await buildAndSave();
    expect(savedFiles().map((f) => f.slice(f.lastIndexOf('.')))).toEqual(['.hnsw', '.json']);
    const sidecar = JSON.parse(readFileSync(sidecarFile(), 'utf8'));
    expect(sidecar).toMatchObject({ bucket: BUCKET, embedder: SCOPE.embedder, dim: DIM, params: { m: 16, ef: 64 } });
    expect(sidecar.ids).toHaveLength(ROWS);

    const { index } = hydrate(stored(0, ROWS));
    expect(index.stats()).toMatchObject({ rows: ROWS, indexed: ROWS, graphInserts: 0, graphsLoaded: 1, rowsLoaded: ROWS });
    for (const seed of [0, 17, 150, 299]) {
      expect(top(index, seed)[0]).toMatchObject({ id: `e${seed}` });
      expect(top(index, seed)[0]!.similarity).toBeCloseTo(1, 4);
    }
  });

  it('asks for the vectors of only the rows the saved graph lacks', async () => {
    await buildAndSave();
    const { index, drain } = openIndex();
    const rows = stored(0, ROWS + 10);
    const missing = rows.filter(([id]) => !index.add(BUCKET, id, null, SCOPE, true, DIM)).map(([id]) => id);
    expect(missing).toEqual(stored(ROWS, ROWS + 10).map(([id]) => id));
    for (const [id, v] of stored(ROWS, ROWS + 10)) index.add(BUCKET, id, v, SCOPE, true);
    expect(index.settle(SCOPE)).toEqual({ rehydrate: [] });
    drain();
    expect(index.stats()).toMatchObject({ rows: ROWS + 10, indexed: ROWS + 10, rowsLoaded: ROWS, graphInserts: 10 });
    expect(top(index, 123)[0]).toMatchObject({ id: 'e123' });
    expect(top(index, 123)[0]!.similarity).toBeCloseTo(1, 4);
  });

  it('builds a hydrated bucket once all its stored rows are in, not while they arrive', async () => {
    const { index, drain } = openIndex();
    for (const [id, v] of stored(0, ROWS)) index.add(BUCKET, id, v, SCOPE, true);
    drain();
    expect(index.stats()).toMatchObject({ rows: ROWS, graphInserts: 0 });
    expect(top(index, 7)[0]).toMatchObject({ id: 'e7' });
    index.settle(SCOPE);
    drain();
    expect(index.stats()).toMatchObject({ rows: ROWS, indexed: ROWS, graphInserts: ROWS });
  });

  it('saves a changed graph once 64 changes or 10 minutes have gathered, or on close; never an unchanged one', async () => {
    const index = await buildAndSave();
    expect(await index.persist()).toEqual({ saved: 0, pending: 0, errors: [] });
    index.remove('e3');
    expect(await index.persist()).toEqual({ saved: 0, pending: 1, errors: [] });
    clock += 10 * 60_000;
    expect(await index.persist()).toEqual({ saved: 1, pending: 0, errors: [] });
    for (let i = 0; i < 63; i++) index.remove(`e${100 + i}`);
    expect(await index.persist()).toEqual({ saved: 0, pending: 1, errors: [] });
    index.remove('e299');
    expect(await index.persist()).toEqual({ saved: 1, pending: 0, errors: [] });
    index.remove('e0');
    expect(await index.persist(true)).toEqual({ saved: 1, pending: 0, errors: [] });

    // a graph still being built waits for its build, except on close
    const steps: Array<() => void> = [];
    const building = createVectorIndex({ schedule: (fn) => steps.push(fn), minRows: MIN_ROWS, files: createGraphFiles(root), now: () => clock });
    for (const [id, v] of stored(0, ROWS)) building.add('other', id, v, SCOPE);
    steps.shift()!();
    clock += 3600_000;
    expect(await building.persist()).toEqual({ saved: 0, pending: 1, errors: [] });
    expect(await building.persist(true)).toEqual({ saved: 1, pending: 0, errors: [] });
  });

  it('reports a failed save and waits 10 minutes before trying that graph again', async () => {
    writeFileSync(join(root, 'not-a-dir'), '');
    const steps: Array<() => void> = [];
    const index = createVectorIndex({ schedule: (fn) => steps.push(fn), minRows: MIN_ROWS, files: createGraphFiles(join(root, 'not-a-dir')), now: () => clock });
    for (const [id, v] of stored(0, ROWS)) index.add(BUCKET, id, v, SCOPE);
    while (steps.length) steps.shift()!();
    const failed = await index.persist();
    expect(failed).toMatchObject({ saved: 0, pending: 1 });
    expect(failed.errors).toEqual([expect.stringContaining('not-a-dir')]);
    for (let i = 0; i < 100; i++) index.remove(`e${i}`);
    expect(await index.persist()).toEqual({ saved: 0, pending: 1, errors: [] });
    clock += 10 * 60_000;
    expect((await index.persist()).errors).toHaveLength(1);
  });

  it('adds stored rows the file lacks and drops rows it holds that are no longer stored', async () => {
    await buildAndSave();
    const gone = new Set(['e10', 'e11', 'e200']);
    const rows = [...stored(0, ROWS).filter(([id]) => !gone.has(id)), ...stored(ROWS, ROWS + 20)];
    const { index } = hydrate(rows);
    expect(index.stats()).toMatchObject({ rows: ROWS - 3 + 20, indexed: ROWS - 3 + 20, graphsLoaded: 1, rowsLoaded: ROWS - 3, graphInserts: 20 });
    for (const id of gone) {
      const seed = Number(id.slice(1));
      expect(top(index, seed).map((n) => n.id)).not.toContain(id);
    }
    expect(top(index, ROWS + 7)[0]).toMatchObject({ id: `e${ROWS + 7}` });

    // the next save holds the new rows and the deletions: a second restart builds nothing
    expect(await index.persist(true)).toEqual({ saved: 1, pending: 0, errors: [] });
    const again = hydrate(rows).index;
    expect(again.stats()).toMatchObject({ rows: ROWS + 17, graphInserts: 0, rowsLoaded: ROWS + 17 });
    expect(top(again, 200).map((n) => n.id)).not.toContain('e200');
    expect(top(again, ROWS + 19)[0]).toMatchObject({ id: `e${ROWS + 19}` });
  });

  it.each([
    ['a flipped byte in the graph', () => { const f = graphFile(); const b = readFileSync(f); const at = b.length >> 1; b.writeUInt8(b.readUInt8(at) ^ 0xff, at); writeFileSync(f, b); }],
    ['a truncated graph', () => truncateSync(graphFile(), statSync(graphFile()).size >> 1)],
    ['a missing graph', () => rmSync(graphFile())],
    ['a sidecar that is not JSON', () => writeFileSync(sidecarFile(), '{"version":1,"bucket"')],
    ['a sidecar of another embedder', () => writeFileSync(sidecarFile(), JSON.stringify({ ...JSON.parse(readFileSync(sidecarFile(), 'utf8')), embedder: 'use-lite@2' }))],
  ])('ignores and removes %s, rebuilds, and answers correctly', async (_name, damage) => {
    await buildAndSave();
    damage();
    const { index } = hydrate(stored(0, ROWS));
    expect(index.stats()).toMatchObject({ graphsLoaded: 0, graphInserts: ROWS, indexed: ROWS });
    expect(top(index, 42)[0]).toMatchObject({ id: 'e42' });
    expect(await index.persist()).toEqual({ saved: 1, pending: 0, errors: [] });
    expect(savedFiles()).toHaveLength(2);
  });

  it('ignores a graph of other dimensions, and drops one whose vectors disagree with the stored ones', async () => {
    await buildAndSave();
    const wider = hydrate(stored(0, ROWS, DIM * 2)).index;
    expect(wider.stats()).toMatchObject({ graphsLoaded: 0, graphInserts: ROWS });
    expect(top(wider, 42, DIM * 2)[0]).toMatchObject({ id: 'e42' });

    rmSync(root, { recursive: true, force: true });
    await buildAndSave();
    // same ids, same dimensions, other vectors: a model changed under the same embedder id
    const moved = stored(0, ROWS).map(([id], i): [string, Float32Array] => [id, vec(i + 5000)]);
    const { index } = hydrate(moved);
    expect(index.stats()).toMatchObject({ graphsLoaded: 1, graphsDiscarded: 1, graphInserts: ROWS, indexed: ROWS });
    expect(top(index, 5042)[0]).toMatchObject({ id: 'e42' });
    expect(top(index, 5042)[0]!.similarity).toBeCloseTo(1, 4);
  });

  it('rebuilds a loaded graph from its live rows (beside it) once most of its rows are deleted', async () => {
    await buildAndSave();
    const { index } = hydrate(stored(0, ROWS).filter((_, i) => i % 3 === 0));
    expect(index.stats()).toMatchObject({ graphsLoaded: 1, graphsCompacted: 1, graphsDiscarded: 0, rows: ROWS / 3, indexed: ROWS / 3, graphInserts: ROWS / 3 });
    expect(top(index, 42)[0]).toMatchObject({ id: 'e42' });
    expect(top(index, 43).map((n) => n.id)).not.toContain('e43');
    expect((await index.persist(true)).saved).toBe(1);
    expect(JSON.parse(readFileSync(sidecarFile(), 'utf8')).ids).toHaveLength(ROWS / 3);
  });

  it('a save killed half-way leaves the previous save loadable, and its leftovers are removed', async () => {
    await buildAndSave();
    const dir = graphFile().slice(0, graphFile().lastIndexOf('/'));
    const base = sidecarFile().slice(dir.length + 1, -'.json'.length);
    writeFileSync(join(dir, `${base}.0123456789ab.hnsw.tmp`), Buffer.alloc(1000, 7));
    writeFileSync(join(dir, `${base}.0123456789ab.hnsw.json.tmp`), '{"version":1,"bu');
    const { index } = hydrate(stored(0, ROWS));
    expect(index.stats()).toMatchObject({ graphsLoaded: 1, graphInserts: 0 });
    expect(savedFiles().map((f) => f.slice(f.lastIndexOf('.')))).toEqual(['.hnsw', '.json']);
  });

  it('removes the files of a bucket whose rows are all gone, at restart or when the last row is removed', async () => {
    await buildAndSave();
    const { index } = hydrate([]);
    expect(index.stats()).toMatchObject({ rows: 0, buckets: 0 });
    expect(savedFiles()).toEqual([]);

    const live = await buildAndSave();
    for (let i = 0; i < ROWS; i++) live.remove(`e${i}`);
    expect(savedFiles()).toEqual([]);
  });

  it('handles rows removed while a hydration is still matching them against a loaded graph', async () => {
    await buildAndSave();
    const { index, drain } = openIndex();
    for (const [id] of stored(0, ROWS)) index.add(BUCKET, id, null, SCOPE, true, DIM);
    index.remove('e5');
    expect(index.settle(SCOPE)).toEqual({ rehydrate: [] });
    drain();
    expect(index.stats()).toMatchObject({ rows: ROWS - 1, indexed: ROWS - 1, graphInserts: 0 });
    expect(top(index, 5).map((n) => n.id)).not.toContain('e5');

    const again = openIndex().index;
    for (const [id] of stored(0, ROWS)) again.add(BUCKET, id, null, SCOPE, true, DIM);
    for (const [id] of stored(0, ROWS)) again.remove(id);
    again.settle(SCOPE);
    expect(again.stats()).toMatchObject({ rows: 0, buckets: 0, graphsDiscarded: 0 });
    expect(savedFiles()).toEqual([]);
  });

  it('answers lookups and takes adds and removes while a save is written; those changes go in the next save', async () => {
    const { index, drain } = hydrate(stored(0, ROWS));
    const saving = index.persist(true);
    expect(top(index, 42)[0]).toMatchObject({ id: 'e42' });
    index.remove('e7');
    expect(top(index, 7).map((n) => n.id)).not.toContain('e7');
    expect(top(index, 7)).toHaveLength(5);
    for (const [id, v] of stored(ROWS, ROWS + 5)) index.add(BUCKET, id, v, SCOPE);
    drain();
    // the graph being written is not changed: the new rows are scanned meanwhile
    expect(index.stats()).toMatchObject({ rows: ROWS + 4, indexed: ROWS - 1, graphInserts: ROWS });
    expect(top(index, ROWS + 2)[0]).toMatchObject({ id: `e${ROWS + 2}` });
    expect(await saving).toEqual({ saved: 1, pending: 0, errors: [] });
    // the file holds the graph as it was when the save began
    const before = JSON.parse(readFileSync(sidecarFile(), 'utf8')).ids as Array<string | null>;
    expect(before.toSorted()).toEqual(stored(0, ROWS).map(([id]) => id).sort());

    drain();
    expect(index.stats()).toMatchObject({ rows: ROWS + 4, indexed: ROWS + 4, graphInserts: ROWS + 5 });
    expect(top(index, 7).map((n) => n.id)).not.toContain('e7');
    expect(await index.persist(true)).toEqual({ saved: 1, pending: 0, errors: [] });
    const ids = JSON.parse(readFileSync(sidecarFile(), 'utf8')).ids as Array<string | null>;
    expect(ids).toHaveLength(ROWS + 5);
    expect(ids).not.toContain('e7');
    expect(ids.filter((id) => id === null)).toHaveLength(1);
    const again = hydrate(stored(0, ROWS + 5).filter(([id]) => id !== 'e7')).index;
    expect(again.stats()).toMatchObject({ graphsLoaded: 1, graphInserts: 0, rows: ROWS + 4 });
    expect(top(again, 7).map((n) => n.id)).not.toContain('e7');
  });

  it('removes the files a save wrote when the bucket lost its last row while they were written', async () => {
    const { index } = hydrate(stored(0, ROWS));
    const saving = index.persist(true);
    for (let i = 0; i < ROWS; i++) index.remove(`e${i}`);
    expect(await saving).toEqual({ saved: 1, pending: 0, errors: [] });
    expect(savedFiles()).toEqual([]);
  });

  it('keeps the graphs of an embedder the project still has vectors of, and removes them once it has none', async () => {
    await buildAndSave();
    const other = { project: SCOPE.project, embedder: 'transformers:Xenova/all-MiniLM-L6-v2' };
    openIndex().index.settle(other, [SCOPE.embedder, other.embedder]);
    expect(savedFiles()).toHaveLength(2);
    openIndex().index.settle({ ...other, project: 'another' }, []);
    expect(savedFiles()).toHaveLength(2);
    openIndex().index.settle(other, [other.embedder]);
    expect(savedFiles()).toEqual([]);
  });
});
