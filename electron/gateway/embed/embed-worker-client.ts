import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../spawn-worker';
import type { Neighbour } from '../semantic/vector-index';
import type { ModelProgress } from './transformers-embedder';
import type { IndexScope, WorkerMessage, WorkerReply, WorkerRequest, WorkerSetup } from './worker-protocol';

function spawnEmbedWorker(setup: WorkerSetup): Worker {
  return spawnWorker(new URL('./embed-worker.js', import.meta.url), new URL('./embed-worker.ts', import.meta.url), setup);
}

/**
 * The gateway's handle on the embed worker thread. The thread starts on first use only: a gateway whose
 * projects all have semantic caching off never loads a model (idle memory stays small).
 */
export function createEmbedWorkerClient(setup: WorkerSetup, onProgress: (p: ModelProgress) => void, onError: (err: unknown) => void) {
  let worker: Worker | null = null;
  let seq = 0;
  const pending = new Map<number, { resolve: (r: WorkerReply) => void; reject: (e: Error) => void }>();

  function start(): Worker {
    const w = spawnEmbedWorker(setup);
    w.unref();
    w.on('message', (m: WorkerMessage) => {
      if (m.seq === null) return 'progress' in m ? onProgress(m.progress) : onError(new Error(m.problem));
      const p = pending.get(m.seq);
      if (!p) return;
      pending.delete(m.seq);
      if (m.ok) p.resolve(m.reply);
      else p.reject(new Error(m.error));
    });
    w.on('error', (err) => {
      onError(err);
      for (const p of pending.values()) p.reject(err);
      pending.clear();
      worker = null;
    });
    w.on('exit', () => {
      for (const p of pending.values()) p.reject(new Error('the embed worker stopped'));
      pending.clear();
      if (worker === w) worker = null;
    });
    return w;
  }

  function call<K extends WorkerReply['op']>(req: WorkerRequest, transfer: ArrayBuffer[] = []): Promise<Extract<WorkerReply, { op: K }>> {
    worker ??= start();
    const id = ++seq;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve: resolve as (r: WorkerReply) => void, reject });
      worker!.postMessage({ seq: id, req }, transfer);
    });
  }

  return {
    get started() { return worker !== null; },
    load: (spec: string, allowDownload: boolean) => call<'load'>({ op: 'load', spec, allowDownload }),
    async embed(embedder: string, texts: string[]) { return (await call<'embed'>({ op: 'embed', embedder, texts })).vectors; },
    /**
     * `hydrating`: a scope's stored rows, so a saved graph of their bucket may be loaded; then `settle(scope)`. Those
     * may come without vectors (pass `dim`): the reply names the ones that need theirs.
     */
    add: (items: Array<{ bucket: string; id: string; vector?: Float32Array }>, scope?: IndexScope, hydrating = false, dim?: number) =>
      call<'added'>({ op: 'add', items, scope, hydrating, dim }),
    /** `embedders`: those the project still has stored vectors of; saved graphs of others are removed */
    settle: (scope: IndexScope, embedders: string[] = []) => call<'settled'>({ op: 'settle', scope, embedders }),
    /** saves every changed graph now (close does this too); lookups sent meanwhile are answered while it is written */
    persist: () => call<'persist'>({ op: 'persist' }),
    remove: (ids: string[]) => call<'ack'>({ op: 'remove', ids }),
    async search(bucket: string, vector: Float32Array, k: number): Promise<Neighbour[]> {
      return (await call<'search'>({ op: 'search', bucket, vector, k })).neighbours;
    },
    embedSearch: (embedder: string, bucket: string, text: string, k: number) => call<'embed-search'>({ op: 'embed-search', embedder, bucket, text, k }),
    stats: () => call<'stats'>({ op: 'stats' }),
    async close() {
      const w = worker;
      if (!w) return;
      await call<'ack'>({ op: 'close' }).catch(() => undefined);
      worker = null;
      await w.terminate();
    },
  };
}

export type EmbedWorkerClient = ReturnType<typeof createEmbedWorkerClient>;
