import { createOpenAICompatibleAdapter } from '../openai-compatible/base';
import type { ProviderDefinition } from '../registry';

export const groq: ProviderDefinition = {
  kind: 'groq',
  label: 'Groq',
  defaultBaseUrl: 'https://api.groq.com/openai/v1',
  envBaseUrl: 'TOLLGATE_GROQ_BASE_URL',
  envKeys: ['GROQ_API_KEY'],
  needsKey: true,
  createAdapter: () => createOpenAICompatibleAdapter('groq', { endpoints: ['chat.completions', 'responses', 'models'] }),
};
