import { describe, expect, it } from 'vitest';
import { redactHeaderValue } from './headers-table';

describe('redactHeaderValue', () => {
  it('hides credentials by header name and key-like values anywhere', () => {
    expect(redactHeaderValue('authorization', 'Bearer sk-abc')).toBe('•••• redacted');
    expect(redactHeaderValue('X-Api-Key', 'abc')).toBe('•••• redacted');
    expect(redactHeaderValue('x-goog-api-key', 'abc')).toBe('•••• redacted');
    expect(redactHeaderValue('x-note', 'used sk-proj-1234567890 here')).toBe('used •••• redacted here');
  });

  it('leaves ordinary headers alone', () => {
    expect(redactHeaderValue('content-type', 'application/json')).toBe('application/json');
    expect(redactHeaderValue('x-ratelimit-remaining-tokens', '9000')).toBe('9000');
  });
});
