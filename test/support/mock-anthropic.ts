// Faithful Anthropic Messages API upstream for integration tests. The implementation lives in ./mock-anthropic/.
//  - checks x-api-key and anthropic-version; validates bodies as the real API does (max_tokens required, roles,
//    non-empty text, tool_result ids, temperature 0..1, no OpenAI-only fields)
//  - answers "Echo: <last user text>", tool_use blocks when tools are given ("Tool said: ..." after results),
//    honours stop_sequences and max_tokens, simulates prompt caching at cache_control breakpoints
//  - streams the real SSE sequence: message_start, content_block_start, ping, content_block_delta (text_delta /
//    input_json_delta), content_block_stop, message_delta (stop_reason, usage), message_stop
//  - failure modes by model name: mock-error-500, mock-overloaded (529), mock-error-429 (retry-after),
//    mock-stream-error (error event mid-stream), mock-reset (socket cut mid-stream), mock-bad-sse (a non-JSON event)
//  - x-mock-usage pins usage: {"input_tokens","output_tokens","cache_read_input_tokens","cache_creation_input_tokens"}
export { startMockAnthropic } from './mock-anthropic/server.js';
export type { MockAnthropic, MockAnthropicOptions } from './mock-anthropic/server.js';
