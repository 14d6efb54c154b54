import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { normalizeVector } from '../embed/normalize';
import { createGraphFiles, type GraphScope } from './graph-files';
import { createVectorIndex } from './vector-index';

const DIM = 24;
const MIN_ROWS = 100;
const BUCKET = 'use-lite@1|ctx';
const SCOPE: GraphScope = { project: 'support', embedder: 'use-lite@1' };

function vec(seed: number): Float32Array {
  const v = new Float32Array(DIM);
  let x = seed * 7919 + 104729;
  for (let i = 0; i < DIM; i++) { x = (x * 9301 + 49297) % 233280; v[i] = x / 233280 - 0.5; }
  return normalizeVector(v);
}

let root: string;
beforeEach(() => { root = mkdtempSync(join(tmpdir(), 'tollgate-compact-')); });
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** an index whose build steps run one at a time when asked */
function openIndex(rows = 300) {
  const steps: Array<() => void> = [];
  const index = createVectorIndex({ schedule: (fn) => steps.push(fn), minRows: MIN_ROWS, files: createGraphFiles(root) });
  const step = () => steps.shift()?.();
  const drain = () => { while (steps.length) steps.shift()!(); };
  for (let i = 0; i < rows; i++) index.add(BUCKET, `e${i}`, vec(i), SCOPE);
  drain();
  return { index, step, drain, pending: () => steps.length };
}

const top = (index: ReturnType<typeof createVectorIndex>, seed: number) => index.search(BUCKET, vec(seed), 5);

describe('compaction of a live graph that is mostly deleted rows', () => {
  it('builds a replacement from the live rows beside the old graph, which answers meanwhile, then swaps it in', async () => {
    const { index, step, drain } = openIndex();
    expect(index.stats()).toMatchObject({ rows: 300, indexed: 300, graphInserts: 300, graphsCompacted: 0 });
    for (let i = 0; i < 150; i++) index.remove(`e${i}`);
    expect(index.stats().graphsCompacted).toBe(0);
    index.remove('e150'); // 151 of 300 deleted: the replacement starts
    step();
    step();
    // half-way: lookups are answered by the old graph; changes reach both
    expect(index.stats()).toMatchObject({ rows: 149, graphsCompacted: 0 });
    index.remove('e151');
    index.remove('e299');
    for (let i = 300; i < 305; i++) index.add(BUCKET, `e${i}`, vec(i), SCOPE);
    expect(top(index, 200)[0]).toMatchObject({ id: 'e200' });
    expect(top(index, 151).map((n) => n.id)).not.toContain('e151');
    drain();

    const live = [...Array.from({ length: 147 }, (_, i) => i + 152), 300, 301, 302, 303, 304].map((i) => `e${i}`);
    expect(index.stats()).toMatchObject({ rows: live.length, indexed: live.length, graphsCompacted: 1 });
    for (const id of live) expect(top(index, Number(id.slice(1)))[0]).toMatchObject({ id, similarity: expect.closeTo(1, 4) });
    for (const gone of ['e0', 'e150', 'e151', 'e299']) expect(top(index, Number(gone.slice(1))).map((n) => n.id)).not.toContain(gone);

    // the saved graph is the replacement: the live rows, and only the rows removed while it was built as deleted ones
    expect(await index.persist(true)).toEqual({ saved: 1, pending: 0, errors: [] });
    const sidecar = readdirSync(root, { recursive: true, encoding: 'utf8' }).find((f) => f.endsWith('.json'))!;
    const ids = JSON.parse(readFileSync(join(root, sidecar), 'utf8')).ids as Array<string | null>;
    expect(ids.filter((id) => id !== null).toSorted()).toEqual(live.toSorted());
    expect(ids.length - live.length).toBeLessThanOrEqual(2);

    // the replacement goes on as a bucket like any other: removals and additions after the swap
    index.remove('e200');
    index.add(BUCKET, 'e400', vec(400), SCOPE);
    drain();
    expect(top(index, 200).map((n) => n.id)).not.toContain('e200');
    expect(top(index, 400)[0]).toMatchObject({ id: 'e400' });
    expect(top(index, 250)[0]).toMatchObject({ id: 'e250' });
  });

  it('compacts at once a bucket whose live rows are too few for a graph: they are scanned', () => {
    const { index, drain } = openIndex(150);
    for (let i = 0; i < 76; i++) index.remove(`e${i}`);
    drain();
    expect(index.stats()).toMatchObject({ rows: 74, indexed: 0, graphsDiscarded: 1, graphsCompacted: 0 });
    expect(top(index, 120)[0]).toMatchObject({ id: 'e120' });
    expect(top(index, 10).map((n) => n.id)).not.toContain('e10');
  });

  it('does not start during a save of the old graph, and swaps only once a save of it has ended', async () => {
    const held = openIndex();
    const firstSave = held.index.persist(true);
    for (let i = 0; i < 160; i++) held.index.remove(`e${i}`);
    held.drain();
    expect(held.index.stats().graphsCompacted).toBe(0);
    expect(await firstSave).toEqual({ saved: 1, pending: 0, errors: [] });
    held.index.remove('e160'); // the next removal starts it
    held.drain();
    expect(held.index.stats()).toMatchObject({ rows: 139, indexed: 139, graphsCompacted: 1 });

    const { index, drain } = openIndex();
    for (let i = 0; i < 151; i++) index.remove(`e${i}`);
    const saving = index.persist(true);
    drain();
    // built, but its files could land after the replacement's: the old graph answers until the save ends
    expect(index.stats().graphsCompacted).toBe(0);
    expect(top(index, 170)[0]).toMatchObject({ id: 'e170' });
    expect(await saving).toEqual({ saved: 1, pending: 0, errors: [] });
    drain();
    expect(index.stats()).toMatchObject({ rows: 149, indexed: 149, graphsCompacted: 1 });
    expect(top(index, 170)[0]).toMatchObject({ id: 'e170' });
  });
});
