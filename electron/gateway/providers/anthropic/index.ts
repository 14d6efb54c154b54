import { resolvePrice, type PricingTable } from '../../cost/pricing';
import type { ProviderAdapter } from '../adapter';
import { buildAnthropicHeaders, MESSAGES_PATH } from './api';
import { buildMessagesBody, translateMessage } from './chat-complete';
import { AnthropicStreamTranslator } from './chat-complete-stream';
import { readAnthropicErrorMessage } from './error';

/**
 * Claude behind the OpenAI protocol: chat.completions requests become Messages API calls, and the answers
 * (whole or streamed) come back as OpenAI chat completions. The pricing table gives each model's output
 * limit, which Anthropic requires as max_tokens when the client sent none.
 */
export function createAnthropicAdapter(opts: { pricing: PricingTable; now?: () => number }): ProviderAdapter {
  const nowSec = () => Math.floor((opts.now ?? Date.now)() / 1000);
  return {
    kind: 'anthropic',
    supports: (endpoint) => endpoint === 'chat.completions',
    buildCall({ body, stream, provider, apiKey, headers }) {
      const model = String(body.model);
      const maxOutput = resolvePrice(opts.pricing, model)?.maxOutput ?? null;
      return {
        path: provider.basePath + MESSAGES_PATH,
        headers: buildAnthropicHeaders(headers, apiKey),
        body: JSON.stringify(buildMessagesBody(body, model, stream, maxOutput)),
      };
    },
    translateAnswer: (answer, requestedModel) => translateMessage(answer, requestedModel, nowSec()),
    createStreamTranslator: ({ requestedModel, includeUsage }) =>
      new AnthropicStreamTranslator({ requestedModel, includeUsage, nowSec: nowSec() }),
    readErrorMessage: readAnthropicErrorMessage,
  };
}
