import type { ProviderAdapter } from '../adapter';
import type { ProviderDefinition } from '../registry';
import { ANTHROPIC_API_KEY_ENV, ANTHROPIC_BASE_URL_ENV, buildAnthropicHeaders, DEFAULT_ANTHROPIC_BASE_URL, MESSAGES_PATH, MODELS_PATH } from './api';
import { buildMessagesBody, translateMessage } from './chat-complete';
import { AnthropicStreamTranslator } from './chat-complete-stream';
import { readAnthropicErrorCode, readAnthropicErrorMessage } from './error';

/**
 * Claude behind the OpenAI protocol: chat.completions requests become Messages API calls, and the answers
 * (whole or streamed) come back as OpenAI chat completions. The model's output limit (from the pricing
 * table) fills max_tokens, which Anthropic requires, when the client sent none.
 */
export function createAnthropicAdapter(now: () => number = Date.now): ProviderAdapter {
  const nowSec = () => Math.floor(now() / 1000);
  return {
    kind: 'anthropic',
    supports: (endpoint) => endpoint === 'chat.completions' || endpoint === 'models',
    buildCall({ endpoint, body, stream, provider, apiKey, headers, maxOutput }) {
      const allHeaders = buildAnthropicHeaders({ ...headers, ...provider.headers }, apiKey);
      // ids in data[].id as OpenAI's list has them; Anthropic pages by 20 unless asked for more
      if (endpoint === 'models') return { path: provider.basePath + MODELS_PATH, headers: allHeaders, body: null };
      const messages = buildMessagesBody(body, String(body.model), stream, maxOutput ?? null);
      return {
        path: provider.basePath + MESSAGES_PATH,
        headers: allHeaders,
        body: JSON.stringify(messages),
      };
    },
    translateAnswer: (answer, requestedModel) => translateMessage(answer, requestedModel, nowSec()),
    createStreamTranslator: ({ requestedModel, includeUsage }) =>
      new AnthropicStreamTranslator({ requestedModel, includeUsage, nowSec: nowSec() }),
    readErrorMessage: readAnthropicErrorMessage,
    readErrorCode: readAnthropicErrorCode,
  };
}

export const anthropic: ProviderDefinition = {
  kind: 'anthropic',
  label: 'Anthropic',
  defaultBaseUrl: DEFAULT_ANTHROPIC_BASE_URL,
  envBaseUrl: ANTHROPIC_BASE_URL_ENV,
  envKeys: [ANTHROPIC_API_KEY_ENV],
  needsKey: true,
  modelPattern: /^claude-/,
  createAdapter: () => createAnthropicAdapter(),
};
