import type { SemanticIndexStats } from '../../../shared/api/dto';
import type { Neighbour } from '../semantic/vector-index';
import type { ModelProgress } from './transformers-embedder';

/** Which embedder: `auto` (the transformers.js default model if present, else USE-Lite), `use-lite`, `transformers:<model>`. */
export type LocalEmbedderSpec = string;

export interface WorkerSetup {
  /** folders searched for transformers.js models: resources/models, then <dataDir>/models */
  modelDirs: string[];
  /** where an allowed download keeps the model (<dataDir>/models) */
  downloadDir: string;
  /** the model hub downloads come from (default https://huggingface.co/) */
  modelHost?: string;
  /** where HNSW graphs are saved (<dataDir>/semantic-index); absent = graphs are not persisted */
  indexDir?: string;
  /** rows a bucket needs before it gets a graph (default 4,096; tests lower it) */
  hnswMinRows?: number;
  /** how often changed graphs are checked for a save (default 30 s); they are always saved on close */
  indexSaveDelayMs?: number;
}

/** whose vectors an add carries: where their bucket's graph is saved */
export interface IndexScope { project: string; embedder: string }

export type WorkerRequest =
  | { op: 'load'; spec: LocalEmbedderSpec; allowDownload: boolean }
  | { op: 'embed'; embedder: string; texts: string[] }
  /** hydrating items may come without a vector (then with the embedder's `dim`): rows a saved graph holds need none */
  | { op: 'add'; items: Array<{ bucket: string; id: string; vector?: Float32Array }>; scope?: IndexScope; hydrating?: boolean; dim?: number }
  | { op: 'settle'; scope: IndexScope; embedders: string[] }
  | { op: 'persist' }
  | { op: 'remove'; ids: string[] }
  | { op: 'search'; bucket: string; vector: Float32Array; k: number }
  | { op: 'embed-search'; embedder: string; bucket: string; text: string; k: number }
  | { op: 'stats' }
  | { op: 'close' };

export type WorkerReply =
  | { op: 'load'; id: string; dim: number }
  | { op: 'embed'; vectors: Float32Array[] }
  | { op: 'search'; neighbours: Neighbour[] }
  | { op: 'embed-search'; vector: Float32Array; neighbours: Neighbour[]; embedMs: number; searchMs: number }
  | { op: 'stats' } & IndexStats
  | { op: 'persist'; saved: number; pending: number; errors: string[] }
  /** the ids of vectorless items that need their vector after all */
  | { op: 'added'; missing: string[] }
  /** buckets whose saved graph disagreed with the stored vectors: send all their rows again, with vectors */
  | { op: 'settled'; rehydrate: string[] }
  | { op: 'ack' };

export type IndexStats = SemanticIndexStats;

export type WorkerMessage =
  | { seq: number; ok: true; reply: WorkerReply }
  | { seq: number; ok: false; error: string }
  | { seq: null; progress: ModelProgress }
  | { seq: null; problem: string };
