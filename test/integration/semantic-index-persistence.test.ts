import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type OpenAI from 'openai';
import { afterAll, describe, expect, it } from 'vitest';
import type { CacheEntry, SemanticStatus } from '../../shared/api/dto';
import { eventually, startTestGateway, type TestGateway } from '../support/start-gateway';

// One data dir across three gateway runs: the HNSW graph built in the first is saved on stop and loaded by the next.
const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-hnsw-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const options = { dataDir, semanticIndex: { minRows: 32, saveDelayMs: 600_000 } };

// distinct order numbers: the number guard keeps these from answering each other
const FILLERS = Array.from({ length: 40 }, (_, i) => `What is the status of order number ${10_000 + i * 37}?`);

async function ask(t: TestGateway, content: string) {
  const c: OpenAI = t.client({ project: 'support' });
  const { response } = await c.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], temperature: 0 }).withResponse();
  return { cache: response.headers.get('x-tollgate-cache'), layer: response.headers.get('x-tollgate-cache-layer') };
}

async function indexStats(t: TestGateway) {
  return (await t.admin<SemanticStatus>('/admin/v1/semantic')).body.index ?? null;
}

function savedFiles(): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let entries;
    try { entries = readdirSync(d, { withFileTypes: true }); } catch { return; }
    for (const n of entries) {
      if (n.isDirectory()) walk(join(d, n.name));
      else out.push(n.name.slice(n.name.lastIndexOf('.')));
    }
  };
  walk(join(dataDir, 'semantic-index'));
  return out.sort();
}

describe('semantic index persistence across restarts', () => {
  it('builds a graph, saves it on stop, a restart loads it instead of rebuilding, and one that disagrees with the stored vectors is rebuilt', async () => {
    const t = await startTestGateway(options);
    try {
      await t.admin('/admin/v1/projects', { method: 'POST', body: { slug: 'support', semantic: { enabled: true } } });
      for (const q of [...FILLERS, 'How do I reset my password?', 'Where can I download my invoices?']) expect((await ask(t, q)).cache).toBe('miss');
      const built = await eventually(async () => { const s = await indexStats(t); return s?.indexed === 42 && s; }, 10_000);
      expect(built).toMatchObject({ rows: 42, graphInserts: 42, graphsLoaded: 0 });
      expect(savedFiles()).toEqual([]);
    } finally {
      await t.close();
    }
    expect(savedFiles()).toEqual(['.hnsw', '.json']);

    const again = await startTestGateway(options);
    try {
      const loaded = await eventually(async () => { const s = await indexStats(again); return s?.rowsLoaded === 42 && s; }, 10_000);
      expect(loaded).toMatchObject({ rows: 42, indexed: 42, graphsLoaded: 1, graphInserts: 0 });
      expect(await ask(again, 'How can I reset my password?')).toEqual({ cache: 'hit', layer: 'semantic' });
      expect(again.mock.count('/chat/completions')).toBe(0);

      // removed while running: gone from the index (and from the next save)
      const invoices = await again.admin<{ items: CacheEntry[] }>('/admin/v1/cache/entries?project=support&q=invoices');
      expect((await again.admin(`/admin/v1/cache/entries/${invoices.body.items[0]!.id}`, { method: 'DELETE' })).status).toBe(200);
      expect(await indexStats(again)).toMatchObject({ rows: 41 });
      // added after the load: inserted into the loaded graph
      expect((await ask(again, 'How do I change my email address?')).cache).toBe('miss');
      expect(await eventually(async () => { const s = await indexStats(again); return s?.graphInserts === 1 && s; }, 10_000)).toMatchObject({ rows: 42, indexed: 42 });
    } finally {
      await again.close();
    }

    // removed while no gateway ran (as an expiry sweep by another process would)
    const db = new Database(join(dataDir, 'tollgate.db'));
    db.prepare(`DELETE FROM cache_entries WHERE id IN (SELECT entry_id FROM semantic_vectors WHERE text = ?)`).run('How do I reset my password?');
    db.close();

    const third = await startTestGateway(options);
    try {
      const loaded = await eventually(async () => { const s = await indexStats(third); return s?.rowsLoaded === 41 && s; }, 10_000);
      // 42 built, 1 removed while running, 1 added: all in the saved graph; the row removed while down is dropped
      expect(loaded).toMatchObject({ rows: 41, rowsLoaded: 41, graphInserts: 0, indexed: 41 });
      expect(await ask(third, 'How can I change my email address?')).toEqual({ cache: 'hit', layer: 'semantic' });
      expect((await ask(third, 'Where do I download my invoices?')).cache).toBe('miss');
      expect((await ask(third, 'How can I reset my password?')).cache).toBe('miss');
    } finally {
      await third.close();
    }

    // as if a model changed under the same embedder id: every stored vector now differs from the saved graph's
    const db2 = new Database(join(dataDir, 'tollgate.db'));
    const update = db2.prepare('UPDATE semantic_vectors SET vector = ? WHERE entry_id = ?');
    for (const r of db2.prepare('SELECT entry_id, vector FROM semantic_vectors').all() as Array<{ entry_id: string; vector: Buffer }>) {
      const v = new Float32Array(r.vector.buffer.slice(r.vector.byteOffset, r.vector.byteOffset + r.vector.byteLength)).map((x) => -x);
      update.run(Buffer.from(v.buffer), r.entry_id);
    }
    db2.close();

    const fourth = await startTestGateway(options);
    try {
      // 41 + the two misses stored by the third run; the saved graph is dropped and rebuilt from the stored vectors
      const rebuilt = await eventually(async () => { const s = await indexStats(fourth); return s?.graphsDiscarded === 1 && s.indexed === 43 && s; }, 10_000);
      expect(rebuilt).toMatchObject({ rows: 43, graphsLoaded: 1, graphsDiscarded: 1, graphInserts: 43 });
      // lookups compare with the stored vectors (negated: nothing is similar any more), not the stale graph's
      expect((await ask(fourth, 'How can I change my email address?')).cache).toBe('miss');

      // the dropped graph's files are gone until the rebuilt one is saved (on stop)
      expect(savedFiles()).toEqual([]);
    } finally {
      await fourth.close();
    }
    expect(savedFiles()).toEqual(['.hnsw', '.json']);

    // clearing the project's cache removes its saved graph
    const fifth = await startTestGateway(options);
    try {
      await eventually(async () => (await indexStats(fifth))?.graphsLoaded === 1, 10_000);
      const cleared = await fifth.admin<{ removed: number }>('/admin/v1/cache/invalidate', { method: 'POST', body: { project: 'support' } });
      expect(cleared.body.removed).toBeGreaterThanOrEqual(43);
      await eventually(async () => (await indexStats(fifth))?.rows === 0, 10_000);
      // (if the clearing overtook the start's hydration, the files go when it settles)
      await eventually(async () => savedFiles().length === 0, 10_000);
    } finally {
      await fifth.close();
    }
    expect(savedFiles()).toEqual([]);
  }, 90_000);
});
