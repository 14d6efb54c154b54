import type { ProviderDefinition } from '../registry';
import { createOpenAICompatibleAdapter } from './base';

/** Any other server that speaks OpenAI's protocol: the user gives the base URL (and a key if it wants one). */
export const openaiCompatible: ProviderDefinition = {
  kind: 'openai-compatible',
  label: 'OpenAI-compatible server',
  defaultBaseUrl: null,
  envBaseUrl: 'TOLLGATE_OPENAI_COMPATIBLE_BASE_URL',
  envKeys: ['OPENAI_COMPATIBLE_API_KEY'],
  needsKey: false,
  createAdapter: () => createOpenAICompatibleAdapter('openai-compatible', { endpoints: ['chat.completions', 'responses', 'embeddings', 'models'] }),
};
