import { createOpenAICompatibleAdapter } from '../openai-compatible/base';
import type { ProviderDefinition } from '../registry';

/** llama.cpp's llama-server; no key. */
export const llamacpp: ProviderDefinition = {
  kind: 'llamacpp',
  label: 'llama.cpp server',
  defaultBaseUrl: 'http://127.0.0.1:8080/v1',
  envBaseUrl: 'TOLLGATE_LLAMACPP_BASE_URL',
  envKeys: [],
  needsKey: false,
  createAdapter: () => createOpenAICompatibleAdapter('llamacpp'),
};
