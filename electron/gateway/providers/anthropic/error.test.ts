import { describe, expect, it } from 'vitest';
import { buildAnthropicHeaders } from './api';
import { readAnthropicErrorCode, readAnthropicErrorMessage, toOpenAIErrorFields } from './error';

const body = (type: string, message: string) => JSON.stringify({ type: 'error', error: { type, message }, request_id: 'req_1' });

describe('Anthropic errors', () => {
  it('reads the message and maps the type to the OpenAI code SDK users branch on', () => {
    expect(readAnthropicErrorMessage(401, body('authentication_error', 'invalid x-api-key'))).toBe('invalid x-api-key');
    expect(readAnthropicErrorCode(401, body('authentication_error', 'invalid x-api-key'))).toBe('invalid_api_key');
    expect(readAnthropicErrorCode(404, body('not_found_error', 'model: claude-x'))).toBe('model_not_found');
    expect(readAnthropicErrorCode(429, body('rate_limit_error', 'slow down'))).toBe('rate_limit_exceeded');
    expect(readAnthropicErrorCode(400, body('invalid_request_error', 'prompt is too long: 210000 tokens > 200000 maximum'))).toBe('context_length_exceeded');
    expect(readAnthropicErrorCode(400, body('something_new', 'x'))).toBe('upstream_error');
    expect(readAnthropicErrorCode(400, body('constructor', 'x'))).toBe('upstream_error');
  });

  it('keeps a body that is not Anthropic-shaped as text, and never echoes a key', () => {
    expect(readAnthropicErrorMessage(502, '<html>Bad gateway</html>')).toBe('<html>Bad gateway</html>');
    expect(readAnthropicErrorMessage(500, '')).toBe('HTTP 500 with an empty body');
    expect(readAnthropicErrorCode(502, '<html>')).toBeNull();
    expect(readAnthropicErrorMessage(401, body('authentication_error', 'bad key sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123'))).not.toContain('abcdefghijklmnop');
  });

  it('gives stream error events the OpenAI error fields', () => {
    expect(toOpenAIErrorFields({ type: 'overloaded_error', message: 'Overloaded' }))
      .toEqual({ message: 'anthropic error: Overloaded', type: 'overloaded_error', code: 'upstream_unavailable', param: null });
    expect(toOpenAIErrorFields({})).toMatchObject({ type: 'api_error', code: 'upstream_error' });
  });
});

describe('Anthropic headers', () => {
  it('sends x-api-key and anthropic-version, never the OpenAI authorization', () => {
    const h = buildAnthropicHeaders({ authorization: 'Bearer sk-openai', 'openai-organization': 'org', 'x-stainless-lang': 'js', 'anthropic-beta': 'b1' }, 'sk-ant-1');
    expect(h).toEqual({ 'x-stainless-lang': 'js', 'anthropic-beta': 'b1', 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-api-key': 'sk-ant-1' });
  });
});
