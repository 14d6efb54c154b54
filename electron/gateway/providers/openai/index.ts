import { createOpenAICompatibleAdapter } from '../openai-compatible/base';
import type { ProviderDefinition } from '../registry';

/** OpenAI itself: every endpoint, bodies untouched. */
export const openai: ProviderDefinition = {
  kind: 'openai',
  label: 'OpenAI',
  defaultBaseUrl: 'https://api.openai.com/v1',
  envBaseUrl: 'TOLLGATE_OPENAI_BASE_URL',
  envKeys: ['OPENAI_API_KEY'],
  needsKey: true,
  modelPattern: /^(gpt-|o\d|chatgpt-|text-embedding-|ft:|davinci|babbage|omni-moderation|codex-)/,
  createAdapter: () => createOpenAICompatibleAdapter('openai', { endpoints: ['chat.completions', 'responses', 'embeddings', 'models'] }),
};
