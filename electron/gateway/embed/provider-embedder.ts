import type { ProviderRegistry } from '../providers/provider-settings';
import type { Embedder } from './embedder';
import { normalizeVector } from './normalize';

/**
 * A provider's /v1/embeddings (e.g. text-embedding-3-small) as the embedder. Only network I/O on the gateway's
 * thread, so it needs no worker. The dimension is learned from the first answer.
 */
export async function loadProviderEmbedder(model: string, providers: ProviderRegistry, providerId = 'openai'): Promise<Embedder> {
  const embed = async (texts: string[]): Promise<Float32Array[]> => {
    const provider = providers.get(providerId);
    if (!provider) throw new Error(`No provider ${providerId} is configured for embeddings.`);
    const res = await fetch(`${provider.baseUrl.replace(/\/+$/, '')}/embeddings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(provider.apiKey ? { authorization: `Bearer ${provider.apiKey}` } : {}) },
      body: JSON.stringify({ model, input: texts, encoding_format: 'float' }),
      signal: AbortSignal.timeout(30_000),
    });
    if (!res.ok) throw new Error(`${providerId} /embeddings answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
    const body = await res.json() as { data?: Array<{ index: number; embedding: number[] }> };
    if (!Array.isArray(body.data) || body.data.length !== texts.length) throw new Error(`${providerId} /embeddings returned no vectors`);
    return [...body.data].sort((a, b) => a.index - b.index).map((d) => normalizeVector(Float32Array.from(d.embedding)));
  };
  const [probe] = await embed(['dimension probe']);
  return { id: `provider:${providerId}:${model}`, dim: probe!.length, embed };
}
