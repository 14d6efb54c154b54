import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../spawn-worker';

export interface CheckpointSetup {
  file: string;
  nativeBinding?: string;
  intervalMs: number;
  /** Int32 [frames the last checkpoint could not copy yet], written by the worker */
  walFrames: SharedArrayBuffer;
}

/** WAL frames left uncopied above which the gateway checkpoints on its own thread after a commit */
const FALLBACK_FRAMES = 16_384;

/**
 * Runs SQLite's WAL checkpoints in a worker thread, so the commit on the event loop never includes one.
 * The store turns its own automatic checkpoints off while this runs.
 */
export function startWalCheckpointer(file: string, nativeBinding: string | undefined, intervalMs = 100) {
  const walFrames = new SharedArrayBuffer(4);
  const behind = new Int32Array(walFrames);
  const worker: Worker = spawnWorker(new URL('./wal-checkpoint-worker.js', import.meta.url),
    new URL('./wal-checkpoint-worker.ts', import.meta.url), { file, nativeBinding, intervalMs, walFrames } satisfies CheckpointSetup);
  worker.unref();
  let alive = true;
  let ready = false;
  worker.on('message', (m: unknown) => { if (m === 'ready') ready = true; });
  worker.on('error', () => { alive = false; });
  worker.on('exit', () => { alive = false; });
  return {
    state: (): 'starting' | 'running' | 'stopped' => (!alive ? 'stopped' : ready ? 'running' : 'starting'),
    /** the worker fell far behind: the caller should checkpoint itself now */
    needsFallback: () => Atomics.load(behind, 0) > FALLBACK_FRAMES,
    /**
     * The worker checkpoints once more and closes its connection; resolves when it has exited (or after 10 s, for a hung worker), so
     * whoever removes the data dir next does not race SQLite removing its -wal and -shm files.
     */
    stop(): Promise<void> {
      if (!alive) return Promise.resolve();
      return new Promise<void>((resolve) => {
        // a hung worker must not keep the process alive after the wait ends
        const done = () => { clearTimeout(timer); worker.unref(); resolve(); };
        // both keep the process alive until the worker is gone: a caller awaiting this at top level (a script)
        // would otherwise see Node exit with 13, an unsettled await, once nothing else is left on the event loop
        const timer = setTimeout(done, 10_000);
        worker.ref();
        worker.once('exit', done);
        worker.postMessage('stop');
      });
    },
  };
}
