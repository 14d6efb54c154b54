import { describe, expect, it } from 'vitest';
import { buildCacheKey, buildNamespace, pickKeyFields } from './cache-key';
import { checkEligibility } from './cache-policy';

const base = {
  model: 'gpt-4o-mini',
  messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'What is 2+2?' }],
  temperature: 0,
};
const ns = buildNamespace('default', 1);
const key = (body: Record<string, unknown>, endpoint: Parameters<typeof buildCacheKey>[1] = 'chat.completions') =>
  buildCacheKey(ns, endpoint, body);

describe('buildCacheKey', () => {
  it('ignores field order at every depth', () => {
    const reordered = {
      temperature: 0,
      messages: [{ content: 'Be brief.', role: 'system' }, { content: 'What is 2+2?', role: 'user' }],
      model: 'gpt-4o-mini',
    };
    expect(key(reordered)).toBe(key(base));
  });

  it('ignores fields that do not change the answer', () => {
    expect(key({ ...base, stream: true, stream_options: { include_usage: true }, user: 'u1', metadata: { a: '1' }, store: true, service_tier: 'auto' }))
      .toBe(key(base));
    expect(key({ ...base, n: 1 })).toBe(key(base));
  });

  it.each([
    ['model', { model: 'gpt-4o' }],
    ['a message', { messages: [{ role: 'user', content: 'What is 2+3?' }] }],
    ['temperature', { temperature: 0.2 }],
    ['seed', { seed: 7 }],
    ['tools', { tools: [{ type: 'function', function: { name: 'f', parameters: {} } }] }],
    ['response_format', { response_format: { type: 'json_object' } }],
    ['max_tokens', { max_tokens: 5 }],
    ['stop', { stop: ['\n'] }],
    ['reasoning_effort', { reasoning_effort: 'high' }],
    ['n', { n: 2 }],
  ])('changes when %s changes', (_name, change) => {
    expect(key({ ...base, ...change })).not.toBe(key(base));
  });

  it('is namespaced by project, cache version and endpoint', () => {
    expect(buildCacheKey(buildNamespace('other', 1), 'chat.completions', base)).not.toBe(key(base));
    expect(buildCacheKey(buildNamespace('default', 2), 'chat.completions', base)).not.toBe(key(base));
    const emb = { model: 'text-embedding-3-small', input: 'hi' };
    expect(key(emb, 'embeddings')).not.toBe(key(emb, 'responses'));
  });

  it('keeps only the relevant fields of an embeddings request', () => {
    expect(pickKeyFields('embeddings', { model: 'm', input: 'x', user: 'u', encoding_format: 'base64' }))
      .toEqual({ model: 'm', input: 'x', encoding_format: 'base64' });
  });
});

describe('checkEligibility', () => {
  it('caches deterministic chat requests only, by default', () => {
    expect(checkEligibility('deterministic', 'chat.completions', base).cacheable).toBe(true);
    expect(checkEligibility('deterministic', 'chat.completions', { ...base, temperature: 0.8 }).cacheable).toBe(false);
    expect(checkEligibility('deterministic', 'chat.completions', { model: 'm', messages: [] }).cacheable).toBe(false);
    expect(checkEligibility('deterministic', 'chat.completions', { ...base, temperature: 0.8, seed: 1 }).cacheable).toBe(true);
    expect(checkEligibility('deterministic', 'chat.completions', { ...base, n: 3 }).cacheable).toBe(false);
  });

  it('says why a request is not cached', () => {
    const r = checkEligibility('deterministic', 'chat.completions', { ...base, temperature: 0.8 });
    expect(r.cacheable === false && r.reason).toMatch(/temperature 0.8/);
  });

  it('always caches embeddings, and everything under policy "always"', () => {
    expect(checkEligibility('deterministic', 'embeddings', { model: 'm', input: 'x' }).cacheable).toBe(true);
    expect(checkEligibility('always', 'chat.completions', { ...base, temperature: 1 }).cacheable).toBe(true);
  });

  it('never caches endpoints it cannot key', () => {
    expect(checkEligibility('always', 'passthrough', {}).cacheable).toBe(false);
  });
});
