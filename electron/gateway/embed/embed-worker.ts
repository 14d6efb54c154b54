// The embed worker: embedders and the vector index live here, off the gateway's event loop.
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { createGraphFiles } from '../semantic/graph-files';
import { createVectorIndex } from '../semantic/vector-index';
import type { Embedder } from './embedder';
import { DEFAULT_TRANSFORMERS_MODEL, findLocalModel, loadTransformersEmbedder } from './transformers-embedder';
import { loadUseLiteEmbedder, USE_LITE_ID } from './use-lite-embedder';
import type { WorkerMessage, WorkerReply, WorkerRequest, WorkerSetup } from './worker-protocol';

const setup = workerData as WorkerSetup;
const port = parentPort!;
const embedders = new Map<string, Promise<Embedder>>();
/** how often changed graphs are checked for a save (the index decides which are due) */
const SAVE_CHECK_MS = 30_000;
let saveTimer: NodeJS.Timeout | null = null;
const index = createVectorIndex({
  minRows: setup.hnswMinRows,
  files: setup.indexDir ? createGraphFiles(setup.indexDir) : null,
  onChange: scheduleSave,
});

function scheduleSave() {
  if (saveTimer) return;
  saveTimer = setTimeout(() => {
    saveTimer = null;
    // the save starts in turn with the other messages, which do not wait for it to be written
    queue = queue.then(() => { void persist(false).then((r) => { if (r.pending > 0) scheduleSave(); }); });
  }, setup.indexSaveDelayMs ?? SAVE_CHECK_MS);
  saveTimer.unref();
}

async function persist(all: boolean) {
  const r = await index.persist(all);
  // a failed save is retried later; it only costs a rebuild after a restart
  for (const error of r.errors) post({ seq: null, problem: `saving a semantic index graph failed: ${error}` });
  return r;
}

const post = (m: WorkerMessage) => port.postMessage(m);

function load(spec: string, allowDownload: boolean): Promise<Embedder> {
  let model: string | null = null;
  if (spec === 'use-lite') model = null;
  else if (spec.startsWith('transformers:')) model = spec.slice('transformers:'.length);
  else if (spec === 'auto') model = findLocalModel(DEFAULT_TRANSFORMERS_MODEL, setup.modelDirs) ? DEFAULT_TRANSFORMERS_MODEL : null;
  else throw new Error(`Unknown embedder "${spec}": use auto, use-lite or transformers:<model>.`);
  const key = model ?? USE_LITE_ID;
  let loading = embedders.get(key);
  if (!loading) {
    loading = model === null
      ? loadUseLiteEmbedder()
      : loadTransformersEmbedder(model, {
        modelDirs: setup.modelDirs,
        download: allowDownload ? { cacheDir: setup.downloadDir, host: setup.modelHost } : null,
        onProgress: (progress) => post({ seq: null, progress }),
      });
    embedders.set(key, loading);
    loading.then((e) => embedders.set(e.id, loading!), () => embedders.delete(key));
  }
  return loading;
}

async function embedderById(id: string): Promise<Embedder> {
  const e = embedders.get(id);
  if (!e) throw new Error(`embedder ${id} is not loaded`);
  return e;
}

async function handle(req: WorkerRequest): Promise<WorkerReply> {
  switch (req.op) {
    case 'load': {
      const e = await load(req.spec, req.allowDownload);
      return { op: 'load', id: e.id, dim: e.dim };
    }
    case 'embed':
      return { op: 'embed', vectors: await (await embedderById(req.embedder)).embed(req.texts) };
    case 'add':
    {
      const missing: string[] = [];
      for (const it of req.items) {
        if (!index.add(it.bucket, it.id, it.vector ?? null, req.scope ?? null, req.hydrating === true, req.dim)) missing.push(it.id);
      }
      return { op: 'added', missing };
    }
    case 'settle':
      return { op: 'settled', ...index.settle(req.scope, req.embedders) };
    case 'persist':
      return { op: 'persist', ...(await persist(true)) };
    case 'remove':
      for (const id of req.ids) index.remove(id);
      return { op: 'ack' };
    case 'search':
      return { op: 'search', neighbours: index.search(req.bucket, req.vector, req.k) };
    case 'embed-search': {
      const e = await embedderById(req.embedder);
      const t0 = performance.now();
      const [vector] = await e.embed([req.text]);
      const t1 = performance.now();
      const neighbours = index.search(req.bucket, vector!, req.k);
      return { op: 'embed-search', vector: vector!, neighbours, embedMs: t1 - t0, searchMs: performance.now() - t1 };
    }
    case 'stats':
      return { op: 'stats', ...index.stats() };
    case 'close':
      if (saveTimer) clearTimeout(saveTimer);
      saveTimer = null;
      await persist(true);
      for (const e of embedders.values()) await (await e.catch(() => null))?.close?.();
      index.clear();
      return { op: 'ack' };
  }
}

async function answer(seq: number, reply: Promise<WorkerReply>) {
  try {
    post({ seq, ok: true, reply: await reply });
  } catch (err) {
    post({ seq, ok: false, error: err instanceof Error ? err.message : String(err) });
  }
}

// one request at a time, in order: an `add` is always visible to the `search` sent after it. A save only starts in
// turn: the messages after it are handled while it is written, so lookups never wait for one.
let queue: Promise<void> = Promise.resolve();
port.on('message', (msg: { seq: number; req: WorkerRequest }) => {
  queue = queue.then(() => {
    const replied = answer(msg.seq, handle(msg.req));
    return msg.req.op === 'persist' ? undefined : replied;
  });
});
