import { createOpenAICompatibleAdapter } from '../openai-compatible/base';
import type { ProviderDefinition } from '../registry';

export const mistral: ProviderDefinition = {
  kind: 'mistral',
  label: 'Mistral',
  defaultBaseUrl: 'https://api.mistral.ai/v1',
  envBaseUrl: 'TOLLGATE_MISTRAL_BASE_URL',
  envKeys: ['MISTRAL_API_KEY'],
  needsKey: true,
  modelPattern: /^(mistral-|codestral-|magistral-|ministral-|open-mistral-|pixtral-|devstral-)/,
  createAdapter: () => createOpenAICompatibleAdapter('mistral'),
};
