import type { Endpoint } from '../../../../shared/api/dto';
import type { ProviderAdapter, UpstreamCall } from '../adapter';
import { DEFAULT_COMPATIBLE_ENDPOINTS, ENDPOINT_PATHS, type CompatibleQuirks } from './api';

/**
 * The shared base for every provider that speaks OpenAI's protocol: bodies pass through untouched (the client's
 * own bytes when the model name did not change), only the URL and the auth header differ.
 */
export function createOpenAICompatibleAdapter(kind: string, quirks: CompatibleQuirks = {}): ProviderAdapter {
  const endpoints = new Set<Endpoint>(quirks.endpoints ?? DEFAULT_COMPATIBLE_ENDPOINTS);
  const authHeader = quirks.authHeader ?? 'authorization';
  const fixedHeaders = quirks.headers ?? {};
  const hasFixedHeaders = Object.keys(fixedHeaders).length > 0;
  return {
    kind,
    supports: (endpoint) => endpoints.has(endpoint),
    buildCall({ endpoint, body, raw, provider, apiKey, headers }): UpstreamCall {
      const path = quirks.buildPath
        ? quirks.buildPath({ endpoint, basePath: provider.basePath, model: String(body.model ?? ''), apiVersion: provider.apiVersion })
        : provider.basePath + (ENDPOINT_PATHS[endpoint] ?? '');
      if (hasFixedHeaders) Object.assign(headers, fixedHeaders);
      if (provider.headers) Object.assign(headers, provider.headers);
      if (apiKey) {
        if (authHeader === 'authorization') headers.authorization = `Bearer ${apiKey}`;
        else { delete headers.authorization; headers[authHeader] = apiKey; }
      }
      return { path, headers, body: raw ?? JSON.stringify(body) };
    },
  };
}
