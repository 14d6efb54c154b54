import { createOpenAICompatibleAdapter } from '../openai-compatible/base';
import type { ProviderDefinition } from '../registry';

/** LM Studio's local server; no key. */
export const lmstudio: ProviderDefinition = {
  kind: 'lmstudio',
  label: 'LM Studio',
  defaultBaseUrl: 'http://127.0.0.1:1234/v1',
  envBaseUrl: 'TOLLGATE_LMSTUDIO_BASE_URL',
  envKeys: [],
  needsKey: false,
  createAdapter: () => createOpenAICompatibleAdapter('lmstudio', { endpoints: ['chat.completions', 'responses', 'embeddings', 'models'] }),
};
