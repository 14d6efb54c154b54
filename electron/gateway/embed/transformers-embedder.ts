import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Embedder } from './embedder';
import { normalizeVector } from './normalize';

export const DEFAULT_TRANSFORMERS_MODEL = 'Xenova/all-MiniLM-L6-v2';

export interface ModelProgress { model: string; file: string; status: string; progress: number | null; loaded: number | null; total: number | null }

/** The first folder holding the model in transformers.js's layout (<dir>/<org>/<name>/onnx/model_quantized.onnx). */
export function findLocalModel(model: string, dirs: readonly string[]): string | null {
  for (const dir of dirs) {
    const base = join(dir, model);
    if (existsSync(join(base, 'tokenizer.json')) && existsSync(join(base, 'onnx', 'model_quantized.onnx'))) return dir;
  }
  return null;
}

/**
 * A sentence-embedding model with @xenova/transformers: feature extraction, mean pooling, normalized,
 * quantized weights. Loaded from a local folder; from the hub only when `download` names where to keep it.
 */
export async function loadTransformersEmbedder(model: string, opts: {
  modelDirs: readonly string[];
  download?: { cacheDir: string; host?: string } | null;
  onProgress?: (p: ModelProgress) => void;
}): Promise<Embedder> {
  const { pipeline, env } = await import('@xenova/transformers');
  const local = findLocalModel(model, opts.modelDirs);
  if (!local && !opts.download) {
    throw new Error(`Model ${model} is not in ${opts.modelDirs.join(' or ')}; allow the download or pick another embedder.`);
  }
  env.allowLocalModels = true;
  env.localModelPath = local ?? opts.download!.cacheDir;
  env.allowRemoteModels = !local && !!opts.download;
  if (opts.download) env.cacheDir = opts.download.cacheDir;
  if (opts.download?.host) env.remoteHost = opts.download.host;
  env.useBrowserCache = false;
  const extractor = await pipeline('feature-extraction', model, {
    quantized: true,
    progress_callback: (p: { status: string; file?: string; progress?: number; loaded?: number; total?: number }) => opts.onProgress?.({
      model, file: p.file ?? '', status: p.status, progress: p.progress ?? null, loaded: p.loaded ?? null, total: p.total ?? null,
    }),
  });
  const probe = await extractor(['dimension probe'], { pooling: 'mean', normalize: true });
  const dim = probe.dims[probe.dims.length - 1] as number;
  return {
    id: `transformers:${model}@q8`,
    dim,
    async embed(texts) {
      if (texts.length === 0) return [];
      const out = await extractor(texts, { pooling: 'mean', normalize: true });
      const data = out.data as Float32Array;
      return texts.map((_, i) => normalizeVector(Float32Array.from(data.subarray(i * dim, (i + 1) * dim))));
    },
    async close() { await extractor.dispose(); },
  };
}
