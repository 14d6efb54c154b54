import type { ProviderAdapter } from './adapter';
import { anthropic } from './anthropic';
import { azure } from './azure';
import { deepseek } from './deepseek';
import { gemini } from './gemini';
import { groq } from './groq';
import { llamacpp } from './llamacpp';
import { lmstudio } from './lmstudio';
import { mistral } from './mistral';
import { ollama } from './ollama';
import { openai } from './openai';
import { openaiCompatible } from './openai-compatible';
import { openrouter } from './openrouter';
import { together } from './together';
import { vllm } from './vllm';

/** What the gateway knows about one kind of provider: its defaults and the adapter that speaks its protocol. */
export interface ProviderDefinition {
  /** registry key = folder name = the `kind` in PUT /admin/v1/providers/:id */
  kind: string;
  label: string;
  /** in the form the provider's own SDK takes (OpenAI-style ends in /v1, Anthropic's does not); null: must be set */
  defaultBaseUrl: string | null;
  /** env var for the base URL: TOLLGATE_<PROVIDER>_BASE_URL */
  envBaseUrl: string;
  /** the provider's usual key variables, first set one wins */
  envKeys: readonly string[];
  /** local servers need no key */
  needsKey: boolean;
  /** bare model names this provider serves, for the catalogue (`claude-…` → anthropic) */
  modelPattern?: RegExp;
  /** Azure's api-version query parameter, when the kind needs one */
  defaultApiVersion?: string;
  createAdapter(): ProviderAdapter;
}

const DEFINITIONS = new Map<string, ProviderDefinition>();

/** One line per provider; a new folder registers itself here. */
export function registerProvider(def: ProviderDefinition): void {
  DEFINITIONS.set(def.kind, def);
}

for (const def of [openai, openaiCompatible, anthropic, azure, openrouter, groq, together, mistral, deepseek, gemini, ollama, lmstudio, vllm, llamacpp]) {
  registerProvider(def);
}

export function getProviderDefinition(kind: string): ProviderDefinition | undefined {
  return DEFINITIONS.get(kind);
}

export function listProviderKinds(): string[] {
  return [...DEFINITIONS.keys()];
}

export function listProviderDefinitions(): ProviderDefinition[] {
  return [...DEFINITIONS.values()];
}
