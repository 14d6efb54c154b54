import { createOpenAICompatibleAdapter } from '../openai-compatible/base';
import type { ProviderDefinition } from '../registry';

export const openrouter: ProviderDefinition = {
  kind: 'openrouter',
  label: 'OpenRouter',
  defaultBaseUrl: 'https://openrouter.ai/api/v1',
  envBaseUrl: 'TOLLGATE_OPENROUTER_BASE_URL',
  envKeys: ['OPENROUTER_API_KEY'],
  needsKey: true,
  // OpenRouter's app attribution headers (shown on its leaderboard; harmless otherwise)
  createAdapter: () => createOpenAICompatibleAdapter('openrouter', {
    endpoints: ['chat.completions', 'responses', 'embeddings', 'models'],
    headers: { 'http-referer': 'https://github.com/tollgate-gateway/tollgate', 'x-title': 'Tollgate' },
  }),
};
