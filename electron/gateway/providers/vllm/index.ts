import { createOpenAICompatibleAdapter } from '../openai-compatible/base';
import type { ProviderDefinition } from '../registry';

/** A vLLM server (vllm serve); a key only when it was started with --api-key. */
export const vllm: ProviderDefinition = {
  kind: 'vllm',
  label: 'vLLM',
  defaultBaseUrl: 'http://127.0.0.1:8000/v1',
  envBaseUrl: 'TOLLGATE_VLLM_BASE_URL',
  envKeys: ['VLLM_API_KEY'],
  needsKey: false,
  createAdapter: () => createOpenAICompatibleAdapter('vllm', { endpoints: ['chat.completions', 'responses', 'embeddings', 'models'] }),
};
