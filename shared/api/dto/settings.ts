/** Gateway settings, health and providers. Part of the admin API contract; import it from ../dto. */

export interface GatewaySettings {
  /** traces (with their bodies) older than this many days are deleted; spend rollups are kept */
  retentionDays: number;
}

export interface Health {
  ok: true;
  version: string;
  proxyUrl: string;
  adminUrl: string;
  uptimeSec: number;
}

/** A provider kind from the gateway's registry: openai, openai-compatible, anthropic, azure, groq, ollama, ... */
export type ProviderKind = string;

export interface ProviderSettings {
  id: string;
  kind: ProviderKind;
  baseUrl: string;
  /** keys are write-only: reads only say whether one is set */
  hasApiKey: boolean;
  /** how many keys requests are balanced across */
  keyCount: number;
  /** names of the extra headers sent upstream (values are write-only: they may carry credentials) */
  headerNames: string[];
  /** models this provider serves, for bare-name routing and GET /v1/models; null: whatever its upstream lists */
  models: string[] | null;
  /** Azure's api-version */
  apiVersion: string | null;
  /** where the settings came from */
  source: 'default' | 'env' | 'admin';
}

export interface ProviderUpdate {
  kind?: ProviderKind;
  baseUrl?: string;
  /** null removes the stored key */
  apiKey?: string | null;
  /** several keys of the same account or deployments: requests are balanced across them (least busy) */
  apiKeys?: string[] | null;
  /** extra headers sent upstream with every call; null removes them */
  headers?: Record<string, string> | null;
  models?: string[] | null;
  apiVersion?: string | null;
}
