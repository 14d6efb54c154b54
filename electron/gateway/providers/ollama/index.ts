import { createOpenAICompatibleAdapter } from '../openai-compatible/base';
import type { ProviderDefinition } from '../registry';

/** A local Ollama server through its OpenAI-compatible API; no key. */
export const ollama: ProviderDefinition = {
  kind: 'ollama',
  label: 'Ollama',
  defaultBaseUrl: 'http://127.0.0.1:11434/v1',
  envBaseUrl: 'TOLLGATE_OLLAMA_BASE_URL',
  envKeys: [],
  needsKey: false,
  createAdapter: () => createOpenAICompatibleAdapter('ollama'),
};
