import { createOpenAICompatibleAdapter } from '../openai-compatible/base';
import type { ProviderDefinition } from '../registry';

export const together: ProviderDefinition = {
  kind: 'together',
  label: 'Together AI',
  defaultBaseUrl: 'https://api.together.xyz/v1',
  envBaseUrl: 'TOLLGATE_TOGETHER_BASE_URL',
  envKeys: ['TOGETHER_API_KEY'],
  needsKey: true,
  createAdapter: () => createOpenAICompatibleAdapter('together'),
};
