import { createOpenAICompatibleAdapter } from '../openai-compatible/base';
import type { ProviderDefinition } from '../registry';

export const deepseek: ProviderDefinition = {
  kind: 'deepseek',
  label: 'DeepSeek',
  defaultBaseUrl: 'https://api.deepseek.com/v1',
  envBaseUrl: 'TOLLGATE_DEEPSEEK_BASE_URL',
  envKeys: ['DEEPSEEK_API_KEY'],
  needsKey: true,
  modelPattern: /^deepseek-/,
  createAdapter: () => createOpenAICompatibleAdapter('deepseek', { endpoints: ['chat.completions', 'models'] }),
};
