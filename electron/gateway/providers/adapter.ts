import type { Endpoint } from '../../../shared/api/dto';
import type { ProviderConfig } from './provider-settings';

/** What the gateway sends upstream for one attempt. */
export interface UpstreamCall {
  /** path below the provider's origin, e.g. /v1/chat/completions or /v1/messages */
  path: string;
  headers: Record<string, string>;
  body: string | Buffer | null;
}

/** Turns an upstream SSE body into OpenAI chat-completion SSE, chunk by chunk (no buffering beyond one event). */
export interface StreamTranslator {
  /** upstream bytes in; OpenAI SSE text out ('' when nothing completed yet) */
  push(chunk: Buffer): string;
  /** at upstream end: whatever must still go out (e.g. the usage chunk, `data: [DONE]`) */
  finish(): string;
  /** upstream events it could not read (skipped); the trace reports them */
  malformed?: number;
}

/**
 * One provider protocol. OpenAI and OpenAI-compatible providers pass bodies through; others (Anthropic)
 * translate an OpenAI request to their API and the answer back, so clients only ever speak OpenAI.
 */
export interface ProviderAdapter {
  kind: string;
  /** the endpoints this protocol can serve; others get a clear 400 */
  supports(endpoint: Endpoint): boolean;
  buildCall(input: {
    endpoint: Endpoint;
    /** the OpenAI-shaped request body, with `model` already set to the provider's model name */
    body: Record<string, unknown>;
    /** the client's bytes, when `body` is unchanged from them (passthrough adapters send these untouched) */
    raw?: Buffer | null;
    stream: boolean;
    provider: ProviderConfig;
    apiKey: string | null;
    /** headers to forward (already filtered: no hop-by-hop, no client auth) */
    headers: Record<string, string>;
    /** the model's output limit from the pricing table, when known (Anthropic requires max_tokens) */
    maxOutput?: number | null;
  }): UpstreamCall;
  /** a whole upstream JSON answer → the OpenAI-shaped answer (identity for OpenAI) */
  translateAnswer?(answer: Record<string, unknown>, requestedModel: string): Record<string, unknown>;
  /** upstream SSE → OpenAI SSE; absent: bytes pass through untouched */
  createStreamTranslator?(opts: { requestedModel: string; includeUsage: boolean }): StreamTranslator;
  /** the provider's error body → a human message (used inside our 4xx/5xx envelope) */
  readErrorMessage?(status: number, body: string): string;
  /** the OpenAI error code for the provider's error body (invalid_api_key, model_not_found, ...); null: none */
  readErrorCode?(status: number, body: string): string | null;
}
