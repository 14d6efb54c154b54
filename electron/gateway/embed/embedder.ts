/**
 * A sentence embedder. Vectors are L2-normalized, so cosine similarity is a dot product.
 * `id` names the model and its settings: vectors of different ids are never compared.
 */
export interface Embedder {
  readonly id: string;
  readonly dim: number;
  embed(texts: string[]): Promise<Float32Array[]>;
  close?(): Promise<void>;
}
