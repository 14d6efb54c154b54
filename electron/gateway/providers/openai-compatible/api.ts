import type { Endpoint } from '../../../../shared/api/dto';

/** Path below the provider's base URL for each endpoint an OpenAI-compatible server serves. */
export const ENDPOINT_PATHS: Partial<Record<Endpoint, string>> = {
  'chat.completions': '/chat/completions',
  responses: '/responses',
  embeddings: '/embeddings',
  models: '/models',
};

/** How a compatible provider differs from OpenAI: a few lines per provider (Portkey's open-ai-base habit). */
export interface CompatibleQuirks {
  /** the header that carries the key; Azure uses `api-key`, everyone else `authorization: Bearer` */
  authHeader?: 'authorization' | 'api-key';
  /** endpoints the provider serves (default: chat completions, embeddings, models) */
  endpoints?: readonly Endpoint[];
  /** headers the provider wants on every call (e.g. OpenRouter's app attribution) */
  headers?: Record<string, string>;
  /** a path of its own, e.g. Azure's /openai/deployments/<deployment>/chat/completions?api-version= */
  buildPath?(input: { endpoint: Endpoint; basePath: string; model: string; apiVersion: string | null }): string;
}

export const DEFAULT_COMPATIBLE_ENDPOINTS: readonly Endpoint[] = ['chat.completions', 'embeddings', 'models'];
