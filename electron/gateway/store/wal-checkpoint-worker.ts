import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import type { CheckpointSetup } from './wal-checkpointer';

// Copies committed WAL frames into the database file off the gateway's event loop (a checkpoint fsyncs and can
// take milliseconds). PASSIVE never waits for or blocks the writer; when it has copied every frame, the
// writer's next transaction starts the WAL over from the top, so the file stays small.
const setup = workerData as CheckpointSetup;
const db = new Database(setup.file, setup.nativeBinding ? { nativeBinding: setup.nativeBinding } : {});
db.pragma('busy_timeout = 0');
const walFrames = new Int32Array(setup.walFrames);

const checkpoint = () => {
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)') as Array<{ busy: number; log: number; checkpointed: number }>;
    if (r) Atomics.store(walFrames, 0, r.log - r.checkpointed);
  } catch {
    // busy or the file went away: the next tick tries again, and the gateway's own checkpoint is the fallback
  }
};
const timer = setInterval(checkpoint, setup.intervalMs);
parentPort!.postMessage('ready');

parentPort!.on('message', (m: 'stop') => {
  if (m !== 'stop') return;
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort!.close();
});
