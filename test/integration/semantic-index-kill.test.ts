import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createGraphFiles } from '../../electron/gateway/semantic/graph-files';
import { SAVER_BUCKET, SAVER_DIM, SAVER_SCOPE, vectorOf } from '../support/graph-saver';

const root = mkdtempSync(join(tmpdir(), 'tollgate-kill-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** starts the saver, lets it complete `saves` saves plus a random part of the next, then SIGKILLs it */
async function killMidSave(saves: number, extraMs: number) {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'test/support/graph-saver.ts', root], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes(`saved ${saves}\n`)) resolve();
    });
    proc.on('exit', () => reject(new Error(`the saver exited early: ${out}`)));
  });
  await new Promise((r) => setTimeout(r, extraMs));
  proc.kill('SIGKILL');
  await new Promise((r) => proc.once('exit', r));
}

it('a graph save killed at any point (SIGKILL) leaves a graph that loads right: the previous save or the new one', async () => {
  const files = createGraphFiles(root);
  let seen = 0;
  for (let run = 0; run < 8; run++) {
    await killMidSave(run % 3, (run * 7) % 23);
    const loaded = files.load(SAVER_SCOPE, SAVER_BUCKET, SAVER_DIM);
    expect(loaded).not.toBeNull();
    const { graph, ids } = loaded!;
    expect(graph.getCurrentCount()).toBe(ids.length);
    // every live row's vector in the graph is the one its entry id stands for
    for (let row = 0; row < ids.length; row += 37) {
      const id = ids[row];
      if (!id) continue;
      const expected = vectorOf(id);
      const got = graph.getPoint(row);
      for (let i = 0; i < SAVER_DIM; i++) expect(Math.abs(got[i]! - expected[i]!)).toBeLessThan(1e-6);
      seen++;
    }
    // leftovers of the killed save are removed once the bucket is settled
    files.prune(SAVER_SCOPE, [SAVER_BUCKET]);
    const names = readdirSync(join(root, readdirSync(root)[0]!, readdirSync(join(root, readdirSync(root)[0]!))[0]!));
    expect(names.filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect(names.filter((n) => n.endsWith('.hnsw'))).toHaveLength(1);
  }
  expect(seen).toBeGreaterThan(100);
}, 120_000);
