import { createOpenAICompatibleAdapter } from '../openai-compatible/base';
import type { ProviderDefinition } from '../registry';

const DEPLOYMENT_PATHS: Record<string, string> = {
  'chat.completions': '/chat/completions',
  embeddings: '/embeddings',
};

/**
 * Azure OpenAI: base URL https://<resource>.openai.azure.com, the model name is the deployment, the key goes in
 * `api-key` and every call carries ?api-version=.
 */
export const azure: ProviderDefinition = {
  kind: 'azure',
  label: 'Azure OpenAI',
  defaultBaseUrl: null,
  envBaseUrl: 'TOLLGATE_AZURE_BASE_URL',
  envKeys: ['AZURE_OPENAI_API_KEY', 'AZURE_API_KEY'],
  needsKey: true,
  defaultApiVersion: '2024-10-21',
  createAdapter: () => createOpenAICompatibleAdapter('azure', {
    authHeader: 'api-key',
    endpoints: ['chat.completions', 'embeddings'],
    buildPath: ({ endpoint, basePath, model, apiVersion }) =>
      `${basePath}/openai/deployments/${encodeURIComponent(model)}${DEPLOYMENT_PATHS[endpoint] ?? ''}?api-version=${encodeURIComponent(apiVersion ?? '2024-10-21')}`,
  }),
};
