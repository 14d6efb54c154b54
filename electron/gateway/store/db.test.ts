import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openStore, type Store } from './db';

const dirs: string[] = [];
const stores: Store[] = [];

function open(onError = vi.fn(), onCommit?: (s: number) => void) {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-store-'));
  dirs.push(dir);
  const store = openStore(dir, { onError, onCommit });
  stores.push(store);
  store.db.exec('CREATE TABLE t (k TEXT PRIMARY KEY)');
  const put = store.db.prepare('INSERT INTO t (k) VALUES (?)');
  // what another process (or the database after kill -9) would see: committed rows only
  const onDisk = () => {
    const other = new Database(join(dir, 'tollgate.db'), { readonly: true });
    try { return (other.prepare('SELECT k FROM t ORDER BY k').all() as Array<{ k: string }>).map((r) => r.k); } finally { other.close(); }
  };
  return { store, put, onDisk, onError };
}

afterEach(async () => {
  vi.useRealTimers();
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('store group commit', () => {
  it('runs a write at once (visible to this connection), makes it durable at the next commit', () => {
    vi.useFakeTimers();
    const onCommit = vi.fn();
    const { store, put, onDisk } = open(vi.fn(), onCommit);
    store.enqueue(() => put.run('a'));
    store.enqueue(() => put.run('b'));
    expect(store.db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 2 });
    expect(onDisk()).toEqual([]);
    expect(store.pending()).toEqual({ writes: 2, timer: true });
    vi.advanceTimersByTime(25);
    expect(onDisk()).toEqual(['a', 'b']);
    expect(onCommit).toHaveBeenCalledTimes(1);
    expect(store.pending()).toEqual({ writes: 0, timer: false });
  });

  it('flush() commits at once, so readers and admin writes acknowledge only what is on disk', () => {
    const { store, put, onDisk } = open();
    store.enqueue(() => put.run('a'));
    store.flush();
    expect(onDisk()).toEqual(['a']);
    expect(store.db.inTransaction).toBe(false);
  });

  it('a failing write rolls back alone and whole; the others in the same commit stay', () => {
    const { store, put, onDisk, onError } = open();
    store.enqueue(() => put.run('a'));
    store.enqueue(() => { put.run('half'); put.run('a'); }); // second insert violates the key: 'half' must go too
    store.enqueue(() => put.run('b'));
    store.flush();
    expect(onDisk()).toEqual(['a', 'b']);
    expect(onError).toHaveBeenCalledTimes(1);
  });

  it('a write enqueued inside someone else\'s transaction survives that transaction\'s rollback', () => {
    const { store, put, onDisk } = open();
    const failing = store.db.transaction(() => {
      put.run('theirs');
      store.enqueue(() => put.run('ours'));
      throw new Error('rolled back');
    });
    expect(() => failing()).toThrow('rolled back');
    store.flush();
    expect(onDisk()).toEqual(['ours']);
  });

  it('commits every 256 writes without waiting for the timer, and close() commits the rest', () => {
    vi.useFakeTimers();
    const { store, put, onDisk } = open();
    for (let i = 0; i < 300; i++) store.enqueue(() => put.run(String(i).padStart(3, '0')));
    expect(onDisk()).toHaveLength(256);
    store.close();
    expect(onDisk()).toHaveLength(300);
  });

  it('recovers when SQLite ended the transaction on its own', () => {
    const { store, put, onDisk, onError } = open();
    store.enqueue(() => put.run('a'));
    store.db.exec('ROLLBACK'); // what an I/O error does to an open transaction
    store.enqueue(() => put.run('b'));
    store.flush();
    expect(onDisk()).toEqual(['b']);
    expect(onError).not.toHaveBeenCalled();
  });

  it('checkpoints the WAL in a worker thread (never in a commit on the event loop); the data stays whole', { timeout: 60_000 }, async () => {
    const { store, onDisk, onError } = open();
    const dir = dirs.at(-1)!;
    store.db.exec('CREATE TABLE blobs (id INTEGER PRIMARY KEY, data BLOB NOT NULL)');
    const put = store.db.prepare('INSERT INTO blobs (data) VALUES (?)');
    const chunk = Buffer.alloc(100_000, 7);
    const walSize = () => statSync(join(dir, 'tollgate.db-wal')).size;
    for (let i = 0; i < 32; i++) { store.enqueue(() => put.run(chunk)); store.flush(); } // 3 MB: the worker starts
    expect(store.checkpointer()).not.toBe('none');
    for (let waited = 0; store.checkpointer() === 'starting' && waited < 30_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    expect(store.checkpointer()).toBe('running');
    // 20 MB more in 200 commits, one every ~10 ms as under load. The store's own (fallback) checkpoint only
    // starts at 64 MB of WAL and SQLite's automatic one is off: pages reach the database file through the worker only.
    for (let i = 0; i < 200; i++) {
      store.enqueue(() => put.run(chunk));
      store.flush();
      await new Promise((r) => setTimeout(r, 10));
    }
    const dbSize = () => statSync(join(dir, 'tollgate.db')).size;
    for (let waited = 0; dbSize() < 20_000_000 && waited < 30_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    expect(dbSize()).toBeGreaterThan(20_000_000);
    // once the worker copied every frame, the next commit starts the WAL over and cuts the file back
    let extra = 0;
    for (let waited = 0; walSize() > 16 * 1024 * 1024 && waited < 30_000; waited += 50) {
      store.enqueue(() => put.run(Buffer.alloc(10)));
      store.flush();
      extra++;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(walSize()).toBeLessThanOrEqual(16 * 1024 * 1024);
    expect(onError).not.toHaveBeenCalled();
    expect(store.db.prepare('SELECT count(*) AS n FROM blobs').get()).toEqual({ n: 232 + extra });
    expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(onDisk()).toEqual([]);
    // closing waits for the worker's connection too: the last one out removes the WAL, so the dir can go right after
    await store.close();
    expect(store.checkpointer()).toBe('stopped');
    expect(existsSync(join(dir, 'tollgate.db-wal'))).toBe(false);
  });

  it('a script awaiting close() at top level ends once the checkpoint worker is gone (exit 0, not 13)', { timeout: 60_000 }, async () => {
    const script = fileURLToPath(new URL('../../../test/support/close-at-top-level.ts', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script]);
    expect(stdout.trim().split('\n')).toEqual(['checkpointer running', 'closed']);
  });
});
