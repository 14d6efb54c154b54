import { createOpenAICompatibleAdapter } from '../openai-compatible/base';
import type { ProviderDefinition } from '../registry';

/** Gemini through Google's OpenAI-compatible endpoint. */
export const gemini: ProviderDefinition = {
  kind: 'gemini',
  label: 'Google Gemini (OpenAI-compatible endpoint)',
  defaultBaseUrl: 'https://generativelanguage.googleapis.com/v1beta/openai',
  envBaseUrl: 'TOLLGATE_GEMINI_BASE_URL',
  envKeys: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'],
  needsKey: true,
  modelPattern: /^(gemini-|gemma-)/,
  createAdapter: () => createOpenAICompatibleAdapter('gemini'),
};
