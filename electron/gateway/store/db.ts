import Database from 'better-sqlite3';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { migrate } from './migrate';
import { startWalCheckpointer } from './wal-checkpointer';

export interface Store {
  db: Database.Database;
  /** run a write now, in the open batch transaction that the next group commit makes durable */
  enqueue(write: () => void): void;
  /** run a write just before the next commit, in the same transaction (for rollups: one upsert per commit) */
  enqueueAtCommit(write: () => void): void;
  /** commit the open batch now; readers and admin writes call this so what they acknowledge is on disk */
  flush(): void;
  /** writes waiting for the next batch, and whether its timer is armed (diagnostics) */
  pending(): { writes: number; timer: boolean };
  /** whether WAL checkpoints run in their worker thread yet (it starts once the WAL passes 1 MB) */
  checkpointer(): 'none' | 'starting' | 'running' | 'stopped';
  /** commits what is pending and closes; resolves once the checkpoint worker has closed its connection too */
  close(): Promise<void>;
}

const FLUSH_AT = 256;
/** WAL size at which checkpoints move to their worker thread (small databases, e.g. tests, never start one) */
const WORKER_AT_BYTES = 1 << 20;

export interface StoreOptions {
  onError: (err: unknown) => void;
  /** seconds each group commit took (the event loop waited that long; a fallback checkpoint counts in it) */
  onCommit?: (seconds: number) => void;
  /** better-sqlite3 built for another ABI (the desktop app's Electron) */
  nativeBinding?: string;
  /** how long an enqueued write may wait for its commit (default 20 ms) */
  commitWindowMs?: number;
}

export function openStore(dataDir: string, { onError, onCommit, nativeBinding, commitWindowMs = 20 }: StoreOptions): Store {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'tollgate.db');
  const db = new Database(file, nativeBinding ? { nativeBinding } : {});
  // WAL + NORMAL: a committed transaction survives kill -9 of the process (it is in the WAL);
  // only a power loss could lose the last few, which a dev tool may accept for speed.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  // SQLite would checkpoint inside the commit that crosses 1,000 WAL pages: 5-10 ms on the event loop
  db.pragma('wal_autocheckpoint = 0');
  // once a checkpoint let the WAL start over, cut the file back (else it keeps its peak size on disk)
  db.pragma('journal_size_limit = 16777216');
  let checkpointer: ReturnType<typeof startWalCheckpointer> | null = null;
  let workerFailed = false;
  let commits = 0;
  // a worker that could not start or died hands checkpointing back to SQLite, as it was before the worker
  const giveUpWorker = () => {
    workerFailed = true;
    checkpointer = null;
    db.pragma('wal_autocheckpoint = 1000');
  };
  const checkpointAfterCommit = () => {
    if (workerFailed) return;
    if (checkpointer) {
      if (checkpointer.state() === 'stopped') giveUpWorker();
      else if (checkpointer.needsFallback()) db.pragma('wal_checkpoint(PASSIVE)');
      return;
    }
    if (++commits % 16 !== 0) return;
    let walBytes = 0;
    try { walBytes = statSync(file + '-wal').size; } catch { return; }
    if (walBytes < WORKER_AT_BYTES) return;
    try { checkpointer = startWalCheckpointer(file, nativeBinding); } catch (err) { onError(err); giveUpWorker(); }
  };

  // Group commit without a stall: each write runs when it is enqueued (after its response went out), inside a
  // transaction that stays open until the timer commits it. A request in flight then waits for one row's
  // insert at most, never for a whole batch; and nothing sits in memory for 20 ms growing the GC's work.
  let pendingWrites = 0;
  let timer: NodeJS.Timeout | null = null;
  let closed = false;
  let closing: Promise<void> = Promise.resolve();
  let ownTx = false;
  // Enqueued while someone else's transaction is open (ours is not): run after it, so its rollback can't take ours.
  let deferred: Array<() => void> = [];
  let atCommit: Array<() => void> = [];
  // inside our open transaction this is a SAVEPOINT: one failing write rolls back alone, never half-done
  const runWrite = db.transaction((write: () => void) => write());

  const write = (w: () => void) => {
    try { runWrite(w); } catch (err) { onError(err); }
  };

  const flush = () => {
    if (timer) { clearTimeout(timer); timer = null; }
    if (closed) return;
    pendingWrites = 0;
    if (atCommit.length > 0 && !db.inTransaction) { db.exec('BEGIN'); ownTx = true; }
    // an I/O error can make SQLite roll the whole transaction back on its own; then there is nothing to commit
    if (ownTx && db.inTransaction) {
      const late = atCommit;
      atCommit = [];
      for (const w of late) write(w);
      const t0 = performance.now();
      try { db.exec('COMMIT'); checkpointAfterCommit(); onCommit?.((performance.now() - t0) / 1000); } catch (err) {
        onError(err);
        if (db.inTransaction) db.exec('ROLLBACK');
      }
    }
    ownTx = false;
    if (atCommit.length > 0) { timer = setTimeout(flush, commitWindowMs); return; }
    if (deferred.length === 0) return;
    if (db.inTransaction) { timer = setTimeout(flush, commitWindowMs); return; }
    const later = deferred;
    deferred = [];
    db.transaction(() => { for (const w of later) write(w); })();
  };

  const arm = () => {
    if (++pendingWrites >= FLUSH_AT) flush();
    else if (!timer) timer = setTimeout(flush, commitWindowMs);
  };

  return {
    db,
    enqueue(w) {
      if (closed) return;
      if (ownTx && !db.inTransaction) ownTx = false;
      if (!ownTx && db.inTransaction) { deferred.push(w); arm(); return; }
      if (!ownTx) { db.exec('BEGIN'); ownTx = true; }
      write(w);
      arm();
    },
    enqueueAtCommit(w) {
      if (closed) return;
      atCommit.push(w);
      if (!timer) timer = setTimeout(flush, commitWindowMs);
    },
    flush,
    checkpointer: () => checkpointer?.state() ?? 'none',
    pending: () => ({ writes: pendingWrites + deferred.length + atCommit.length, timer: timer !== null }),
    close() {
      if (closed) return closing;
      flush();
      closed = true;
      // this connection goes first, so the worker's close is the last one: only the last connection out
      // checkpoints and removes the -wal file (two closing at once can each see the other and both leave it)
      db.close();
      closing = checkpointer?.stop() ?? Promise.resolve();
      return closing;
    },
  };
}
