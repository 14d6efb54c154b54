import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { migrate } from './migrate';

export interface Store {
  db: Database.Database;
  /** queue a write for the next batched transaction (the hot path never waits on disk) */
  enqueue(write: () => void): void;
  /** run queued writes now; readers call this first so they see everything acknowledged */
  flush(): void;
  /** writes waiting for the next batch, and whether its timer is armed (diagnostics) */
  pending(): { writes: number; timer: boolean };
  close(): void;
}

const FLUSH_DELAY_MS = 20;
const FLUSH_AT = 256;

export function openStore(dataDir: string, onError: (err: unknown) => void, nativeBinding?: string): Store {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, 'tollgate.db'), nativeBinding ? { nativeBinding } : {});
  // WAL + NORMAL: a committed transaction survives kill -9 of the process (it is in the WAL);
  // only a power loss could lose the last few, which a dev tool may accept for speed.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);

  let queue: Array<() => void> = [];
  let timer: NodeJS.Timeout | null = null;
  let closed = false;

  const flush = () => {
    if (timer) { clearTimeout(timer); timer = null; }
    if (queue.length === 0 || closed) return;
    const batch = queue;
    queue = [];
    try {
      db.transaction(() => { for (const write of batch) write(); })();
    } catch {
      // Some write failed and the whole batch rolled back: replay each on its own (a savepoint each), so one
      // bad write neither takes the others with it nor lands half-done (a trace without its spend row).
      db.transaction(() => {
        for (const write of batch) {
          try { db.transaction(write)(); } catch (err) { onError(err); }
        }
      })();
    }
  };

  return {
    db,
    enqueue(write) {
      if (closed) return;
      queue.push(write);
      if (queue.length >= FLUSH_AT) flush();
      else if (!timer) timer = setTimeout(flush, FLUSH_DELAY_MS);
    },
    flush,
    pending: () => ({ writes: queue.length, timer: timer !== null }),
    close() {
      if (closed) return;
      flush();
      closed = true;
      db.close();
    },
  };
}
