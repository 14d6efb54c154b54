import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPricing } from './load-pricing';
import {
  computeCostUsd,
  normalizeUsage,
  resolveModelFamily,
  resolvePrice,
  type ModelPrice,
  type PricingTable,
  type Usage,
} from './pricing';

const here = dirname(fileURLToPath(import.meta.url));
const PRICING_FILE = resolve(here, '../../../resources/pricing.json');
const table = loadPricing(PRICING_FILE);

function usage(partial: Partial<Usage>): Usage {
  return { promptTokens: 0, cachedTokens: 0, cacheWriteTokens: 0, completionTokens: 0, reasoningTokens: 0, ...partial };
}

function price(partial: Partial<ModelPrice>): ModelPrice {
  return {
    provider: 'test',
    input: 1,
    cachedInput: null,
    output: 1,
    source: 'https://example.com/pricing',
    checked: '2026-01-01',
    ...partial,
  };
}

describe('loadPricing on resources/pricing.json', () => {
  it('has every model the gateway must price', () => {
    const required = [
      'gpt-5', 'gpt-5-mini', 'gpt-5-nano', 'gpt-4.1', 'gpt-4.1-mini', 'gpt-4.1-nano', 'gpt-4o', 'gpt-4o-mini',
      'o1', 'o3', 'o3-mini', 'o4-mini', 'text-embedding-3-small', 'text-embedding-3-large', 'text-embedding-ada-002',
      'claude-opus-4-5', 'claude-opus-4-1', 'claude-opus-4', 'claude-sonnet-4-5', 'claude-sonnet-4', 'claude-haiku-4-5',
      'claude-3-7-sonnet', 'claude-3-5-haiku', 'claude-3-5-sonnet', 'claude-3-haiku',
    ];
    for (const name of required) expect(table.models[name], name).toBeDefined();
  });

  it('every model has a provider, non-negative prices, a source URL and a checked date', () => {
    for (const [name, m] of Object.entries(table.models)) {
      expect(['openai', 'anthropic'], name).toContain(m.provider);
      for (const v of [m.input, m.output]) expect(Number.isFinite(v) && v >= 0, name).toBe(true);
      if (m.cachedInput !== null) expect(m.cachedInput >= 0 && m.cachedInput <= m.input, name).toBe(true);
      if (m.cacheWrite !== undefined && m.cacheWrite !== null) expect(m.cacheWrite >= m.input, name).toBe(true);
      if (m.batchDiscount !== undefined) expect(m.batchDiscount > 0 && m.batchDiscount <= 1, name).toBe(true);
      expect(m.source, name).toMatch(/^https:\/\/(developers\.openai\.com|platform\.openai\.com|platform\.claude\.com|docs\.anthropic\.com)\//);
      expect(m.checked, name).toMatch(/^20\d\d-\d\d-\d\d$/);
      expect(Date.parse(m.checked) <= Date.parse('2026-11-22'), name).toBe(true);
    }
  });

  it('prices embeddings on input only', () => {
    for (const name of ['text-embedding-3-small', 'text-embedding-3-large', 'text-embedding-ada-002']) {
      expect(table.models[name]?.output).toBe(0);
    }
  });

  it('every Anthropic model has a cache write price', () => {
    for (const [name, m] of Object.entries(table.models)) {
      if (m.provider === 'anthropic') expect(typeof m.cacheWrite, name).toBe('number');
    }
  });

  it('every alias points at a known model', () => {
    expect(Object.keys(table.aliases).length).toBeGreaterThan(0);
    for (const [alias, target] of Object.entries(table.aliases)) {
      expect(table.models[target], `${alias} -> ${target}`).toBeDefined();
    }
  });
});

describe('loadPricing on bad files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-pricing-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const good = {
    provider: 'openai', input: 1, cachedInput: 0.5, output: 2,
    source: 'https://developers.openai.com/api/docs/pricing', checked: '2026-01-01',
  };
  function write(name: string, content: unknown): string {
    const file = join(dir, name);
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    return file;
  }

  it('accepts a minimal valid file', () => {
    const loaded = loadPricing(write('ok.json', { models: { m: good } }));
    expect(loaded.models.m?.input).toBe(1);
    expect(loaded.aliases).toEqual({});
  });

  it.each([
    ['missing.json', null, /Cannot read pricing file .*missing\.json/],
    ['syntax.json', '{ "models": ', /Invalid pricing file .*syntax\.json: not valid JSON/],
    ['array.json', [], /top level must be an object/],
    ['nomodels.json', { aliases: {} }, /"models" must be an object/],
    ['empty.json', { models: {} }, /"models" is empty/],
    ['neg.json', { models: { m: { ...good, input: -1 } } }, /model "m": input must be a number >= 0/],
    ['str.json', { models: { m: { ...good, output: '2' } } }, /model "m": output must be/],
    ['noprov.json', { models: { m: { ...good, provider: '' } } }, /provider/],
    ['nosrc.json', { models: { m: { ...good, source: 'pricing page' } } }, /source must be an http\(s\) URL/],
    ['nodate.json', { models: { m: { ...good, checked: 'Nov 2026' } } }, /checked must be a YYYY-MM-DD date/],
    ['alias.json', { models: { m: good }, aliases: { x: 'nope' } }, /alias "x" points at unknown model "nope"/],
    ['unit.json', { unit: 'usd_per_1k_tokens', models: { m: good } }, /unit must be/],
  ])('rejects %s with a clear error naming the file', (name, content, message) => {
    const file = content === null ? join(dir, name) : write(name, content);
    expect(() => loadPricing(file)).toThrow(message);
    expect(() => loadPricing(file)).toThrow(file);
  });
});

describe('resolveModelFamily', () => {
  it.each([
    // exact, alias
    ['gpt-4o', 'gpt-4o'],
    ['claude-3-5-sonnet-latest', 'claude-3-5-sonnet'],
    ['claude-opus-4-0', 'claude-opus-4'],
    ['gpt-5-chat-latest', 'gpt-5'],
    // dated snapshots
    ['gpt-4o-2024-08-06', 'gpt-4o'],
    ['gpt-4o-2024-11-20', 'gpt-4o'],
    ['gpt-4o-mini-2024-07-18', 'gpt-4o-mini'],
    ['gpt-4.1-nano-2025-04-14', 'gpt-4.1-nano'],
    ['gpt-4.1-mini-2025-04-14', 'gpt-4.1-mini'],
    ['o3-mini-2025-01-31', 'o3-mini'],
    ['o3-2025-04-16', 'o3'],
    ['o1-2024-12-17', 'o1'],
    ['gpt-5-2025-08-07', 'gpt-5'],
    ['gpt-5-nano-2025-08-07', 'gpt-5-nano'],
    ['claude-sonnet-4-5-20250929', 'claude-sonnet-4-5'],
    ['claude-haiku-4-5-20251001', 'claude-haiku-4-5'],
    ['claude-opus-4-1-20250805', 'claude-opus-4-1'],
    ['claude-sonnet-4-20250514', 'claude-sonnet-4'],
    ['claude-3-5-haiku-20241022', 'claude-3-5-haiku'],
    ['claude-3-haiku-20240307', 'claude-3-haiku'],
    ['claude-3-7-sonnet-latest', 'claude-3-7-sonnet'],
    // a snapshot with its own price wins over its family
    ['gpt-4o-2024-05-13', 'gpt-4o-2024-05-13'],
    // provider prefix, case, whitespace, dotted Claude versions
    ['openai/gpt-4o', 'gpt-4o'],
    ['openai/gpt-4o-mini-2024-07-18', 'gpt-4o-mini'],
    ['anthropic/claude-sonnet-4-5', 'claude-sonnet-4-5'],
    ['anthropic/claude-sonnet-4.5', 'claude-sonnet-4-5'],
    ['  GPT-4o ', 'gpt-4o'],
    // fine-tunes
    ['ft:gpt-4o-mini-2024-07-18:org::id', 'gpt-4o-mini'],
    ['ft:gpt-4.1-2025-04-14:acme:support-bot:9XyZ', 'gpt-4.1'],
    ['ft:gpt-4o-2024-08-06:acme::abc123', 'gpt-4o'],
  ])('%s -> %s', (model, family) => {
    expect(resolveModelFamily(table, model)).toBe(family);
  });

  it.each([
    ['gpt-4o-mini', 'gpt-4o-mini'],
    ['o3-mini', 'o3-mini'],
    ['gpt-4.1-nano', 'gpt-4.1-nano'],
    ['gpt-5.4-pro', 'gpt-5.4-pro'],
    ['gpt-5.4-mini', 'gpt-5.4-mini'],
    ['claude-opus-4-1', 'claude-opus-4-1'],
  ])('does not over-match %s', (model, family) => {
    expect(resolveModelFamily(table, model)).toBe(family);
  });

  it('never falls back to a shorter family when the longer one is missing', () => {
    const base = table.models['gpt-4o'];
    const o3 = table.models.o3;
    const gpt41 = table.models['gpt-4.1'];
    if (!base || !o3 || !gpt41) throw new Error('fixture models missing');
    const small: PricingTable = { models: { 'gpt-4o': base, o3, 'gpt-4.1': gpt41 }, aliases: {} };
    expect(resolveModelFamily(small, 'gpt-4o-mini')).toBeNull();
    expect(resolveModelFamily(small, 'gpt-4o-mini-2024-07-18')).toBeNull();
    expect(resolveModelFamily(small, 'ft:gpt-4o-mini-2024-07-18:org::id')).toBeNull();
    expect(resolveModelFamily(small, 'o3-mini')).toBeNull();
    expect(resolveModelFamily(small, 'o3-mini-2025-01-31')).toBeNull();
    expect(resolveModelFamily(small, 'gpt-4.1-nano')).toBeNull();
    expect(resolveModelFamily(small, 'gpt-4.1-nano-2025-04-14')).toBeNull();
    expect(resolveModelFamily(small, 'gpt-4o')).toBe('gpt-4o');
  });

  it.each([
    'llama3:8b',
    'mistral-large-latest',
    'gpt-4o-realtime-preview-2024-12-17',
    'gpt-4o-audio-preview',
    'gpt-4o-mini-search-preview',
    'chatgpt-4o-latest',
    'gpt-4.5-preview',
    'claude-sonnet-5-5',
    'o1-mini',
    'gpt-4',
    '',
    '   ',
    'openai/',
    'ft:',
    'constructor',
    '__proto__',
    'toString',
  ])('unknown model %j -> null', (model) => {
    expect(resolveModelFamily(table, model)).toBeNull();
    expect(resolvePrice(table, model)).toBeNull();
  });

  it('ignores non-string input', () => {
    expect(resolveModelFamily(table, undefined as unknown as string)).toBeNull();
    expect(resolveModelFamily(table, 42 as unknown as string)).toBeNull();
  });

  it('memoizes per table and keeps answers stable', () => {
    for (let i = 0; i < 3; i++) {
      expect(resolveModelFamily(table, 'openai/gpt-4o-2024-08-06')).toBe('gpt-4o');
      expect(resolveModelFamily(table, 'no-such-model')).toBeNull();
    }
    const other: PricingTable = { models: { 'no-such-model': price({}) }, aliases: {} };
    expect(resolveModelFamily(other, 'no-such-model')).toBe('no-such-model');
    // many distinct ids do not break anything (memo is bounded)
    for (let i = 0; i < 5000; i++) resolveModelFamily(table, `junk-model-${i}`);
    expect(resolveModelFamily(table, 'gpt-4o-mini-2024-07-18')).toBe('gpt-4o-mini');
  });

  it('resolvePrice returns the family price', () => {
    expect(resolvePrice(table, 'gpt-4o-2024-08-06')).toBe(table.models['gpt-4o']);
    expect(resolvePrice(table, 'claude-3-5-sonnet-latest')).toBe(table.models['claude-3-5-sonnet']);
  });
});

describe('computeCostUsd', () => {
  const gpt4o = price({ input: 2.5, cachedInput: 1.25, output: 10 });

  it('gpt-4o: 1,000 prompt (200 cached) + 500 completion', () => {
    const expected = 800 * 2.5e-6 + 200 * 1.25e-6 + 500 * 10e-6; // 0.002 + 0.00025 + 0.005
    const cost = computeCostUsd(gpt4o, usage({ promptTokens: 1000, cachedTokens: 200, completionTokens: 500 }));
    expect(cost).toBe(0.00725);
    expect(cost).toBeCloseTo(expected, 12);
  });

  it('uses the real table the same way', () => {
    const p = resolvePrice(table, 'gpt-4o-2024-08-06');
    if (!p) throw new Error('gpt-4o unpriced');
    expect(computeCostUsd(p, usage({ promptTokens: 1000, cachedTokens: 200, completionTokens: 500 }))).toBe(0.00725);
  });

  it('does not add reasoning tokens on top of completion tokens', () => {
    // o4-mini: 2,000 prompt (1,000 cached) + 3,000 completion of which 2,500 reasoning
    const o4mini = price({ input: 1.1, cachedInput: 0.275, output: 4.4 });
    const cost = computeCostUsd(
      o4mini,
      usage({ promptTokens: 2000, cachedTokens: 1000, completionTokens: 3000, reasoningTokens: 2500 }),
    );
    // 1000 × 1.1e-6 + 1000 × 0.275e-6 + 3000 × 4.4e-6 = 0.0011 + 0.000275 + 0.0132
    expect(cost).toBe(0.014575);
  });

  it('bills cached tokens at the input price when there is no cached price', () => {
    const noCache = price({ input: 5, cachedInput: null, output: 15 });
    expect(computeCostUsd(noCache, usage({ promptTokens: 1000, cachedTokens: 400, completionTokens: 100 }))).toBe(
      0.0065, // 1000 × 5e-6 + 100 × 15e-6
    );
  });

  it('Anthropic: cache read and 5-minute cache write', () => {
    const sonnet = table.models['claude-sonnet-4-5'];
    if (!sonnet) throw new Error('claude-sonnet-4-5 unpriced');
    // input_tokens 100 + cache read 2,000 + cache write 1,000; 300 output
    const u = usage({ promptTokens: 3100, cachedTokens: 2000, cacheWriteTokens: 1000, completionTokens: 300 });
    // 100 × 3e-6 + 2000 × 0.3e-6 + 1000 × 3.75e-6 + 300 × 15e-6 = 0.0003 + 0.0006 + 0.00375 + 0.0045
    expect(computeCostUsd(sonnet, u)).toBe(0.00915);
  });

  it('Anthropic: 1-hour cache writes at twice the input price, the rest at the 5-minute price', () => {
    const sonnet = table.models['claude-sonnet-4-5'];
    if (!sonnet) throw new Error('claude-sonnet-4-5 unpriced');
    const u = usage({ promptTokens: 1100, cacheWriteTokens: 1000, cacheWrite1hTokens: 600, completionTokens: 0 });
    // 100 × 3e-6 + 400 × 3.75e-6 + 600 × 6e-6 = 0.0003 + 0.0015 + 0.0036
    expect(computeCostUsd(sonnet, u)).toBe(0.0054);
  });

  it('Anthropic Opus 4.5 through normalizeUsage', () => {
    const opus = resolvePrice(table, 'claude-opus-4-5-20251101');
    const u = normalizeUsage({
      input_tokens: 50, cache_read_input_tokens: 10000, cache_creation_input_tokens: 2000, output_tokens: 1000,
    });
    if (!opus || !u) throw new Error('fixture');
    // 50 × 5e-6 + 10000 × 0.5e-6 + 2000 × 6.25e-6 + 1000 × 25e-6 = 0.00025 + 0.005 + 0.0125 + 0.025
    expect(computeCostUsd(opus, u)).toBe(0.04275);
  });

  it('bills cache writes at the input price when there is no write price', () => {
    const p = price({ input: 2, cachedInput: 0.5, output: 8 });
    expect(computeCostUsd(p, usage({ promptTokens: 1000, cacheWriteTokens: 1000 }))).toBe(0.002);
  });

  it('embeddings: input only', () => {
    const p = resolvePrice(table, 'text-embedding-3-small');
    if (!p) throw new Error('fixture');
    expect(computeCostUsd(p, usage({ promptTokens: 1_000_000 }))).toBe(0.02);
    expect(computeCostUsd(p, usage({ promptTokens: 8 }))).toBe(0.00000016);
  });

  it('rounds away float noise', () => {
    const p = price({ input: 0.1, cachedInput: null, output: 0.2 });
    expect(computeCostUsd(p, usage({ promptTokens: 1, completionTokens: 1 }))).toBe(0.0000003);
    expect(computeCostUsd(p, usage({ promptTokens: 3, completionTokens: 0 }))).toBe(0.0000003);
  });

  it('is 0 for no tokens and ignores negative or non-finite counts', () => {
    expect(computeCostUsd(gpt4o, usage({}))).toBe(0);
    expect(
      computeCostUsd(gpt4o, usage({ promptTokens: -5, cachedTokens: Number.NaN, completionTokens: Number.POSITIVE_INFINITY })),
    ).toBe(0);
    // more cached than prompt: the uncached part cannot go negative
    expect(computeCostUsd(gpt4o, usage({ promptTokens: 100, cachedTokens: 200 }))).toBe(0.00025);
  });
});

describe('normalizeUsage', () => {
  it('OpenAI chat completions', () => {
    expect(
      normalizeUsage({
        prompt_tokens: 1000,
        completion_tokens: 500,
        total_tokens: 1500,
        prompt_tokens_details: { cached_tokens: 200, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 300, audio_tokens: 0, accepted_prediction_tokens: 0 },
      }),
    ).toEqual({ promptTokens: 1000, cachedTokens: 200, cacheWriteTokens: 0, completionTokens: 500, reasoningTokens: 300 });
  });

  it('OpenAI chat without details', () => {
    expect(normalizeUsage({ prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 })).toEqual(
      usage({ promptTokens: 12, completionTokens: 3 }),
    );
  });

  it('Responses API', () => {
    expect(
      normalizeUsage({
        input_tokens: 12033,
        input_tokens_details: { cached_tokens: 11904 },
        output_tokens: 44,
        output_tokens_details: { reasoning_tokens: 20 },
        total_tokens: 12077,
      }),
    ).toEqual({ promptTokens: 12033, cachedTokens: 11904, cacheWriteTokens: 0, completionTokens: 44, reasoningTokens: 20 });
  });

  it('embeddings', () => {
    expect(normalizeUsage({ prompt_tokens: 8, total_tokens: 8 })).toEqual(usage({ promptTokens: 8 }));
  });

  it('Anthropic Messages: input_tokens excludes the cache buckets', () => {
    expect(
      normalizeUsage({
        input_tokens: 100,
        cache_creation_input_tokens: 1000,
        cache_read_input_tokens: 2000,
        output_tokens: 300,
        service_tier: 'standard',
        cache_creation: { ephemeral_5m_input_tokens: 1000, ephemeral_1h_input_tokens: 0 },
      }),
    ).toEqual({ promptTokens: 3100, cachedTokens: 2000, cacheWriteTokens: 1000, completionTokens: 300, reasoningTokens: 0 });
  });

  it('Anthropic 1-hour cache writes are kept apart (also beside a translated OpenAI usage)', () => {
    const raw = { input_tokens: 100, cache_creation_input_tokens: 1000, cache_read_input_tokens: 0, output_tokens: 10,
      cache_creation: { ephemeral_5m_input_tokens: 400, ephemeral_1h_input_tokens: 600 } };
    expect(normalizeUsage(raw)).toEqual({ promptTokens: 1100, cachedTokens: 0, cacheWriteTokens: 1000, cacheWrite1hTokens: 600, completionTokens: 10, reasoningTokens: 0 });
    expect(normalizeUsage({ prompt_tokens: 1100, completion_tokens: 10, cache_read_input_tokens: 0, cache_creation_input_tokens: 1000,
      cache_creation: { ephemeral_5m_input_tokens: 400, ephemeral_1h_input_tokens: 600 } })).toMatchObject({ promptTokens: 1100, cacheWriteTokens: 1000, cacheWrite1hTokens: 600 });
  });

  it('Anthropic with null cache fields and without cache fields', () => {
    expect(
      normalizeUsage({ input_tokens: 10, cache_creation_input_tokens: null, cache_read_input_tokens: 0, output_tokens: 5 }),
    ).toEqual(usage({ promptTokens: 10, completionTokens: 5 }));
    expect(normalizeUsage({ input_tokens: 10, output_tokens: 5 })).toEqual(usage({ promptTokens: 10, completionTokens: 5 }));
  });

  it('folds reasoning into completion when a server reports it beside completion', () => {
    // total = prompt + completion + reasoning: reasoning was not inside completion
    expect(
      normalizeUsage({
        prompt_tokens: 100,
        completion_tokens: 50,
        total_tokens: 350,
        completion_tokens_details: { reasoning_tokens: 200 },
      }),
    ).toEqual(usage({ promptTokens: 100, completionTokens: 250, reasoningTokens: 200 }));
  });

  it('treats nulls, strings and negative numbers as absent', () => {
    expect(
      normalizeUsage({
        prompt_tokens: 100,
        completion_tokens: '50',
        prompt_tokens_details: { cached_tokens: -3 },
        completion_tokens_details: null,
      }),
    ).toEqual(usage({ promptTokens: 100 }));
    expect(normalizeUsage({ prompt_tokens: null, completion_tokens: 7 })).toEqual(usage({ completionTokens: 7 }));
    expect(normalizeUsage({ prompt_tokens: 10, prompt_tokens_details: { cached_tokens: 50 } })).toEqual(
      usage({ promptTokens: 10, cachedTokens: 10 }),
    );
  });

  it.each([
    null,
    undefined,
    0,
    'usage',
    [],
    [{ prompt_tokens: 1 }],
    {},
    { prompt_tokens: null, completion_tokens: null },
    { prompt_tokens: '12', completion_tokens: '3' },
    { prompt_tokens: -1, completion_tokens: -1 },
    { prompt_tokens: Number.NaN },
    { input_tokens: Number.POSITIVE_INFINITY },
    { foo: 1 },
  ])('returns null for junk %j', (raw) => {
    expect(normalizeUsage(raw)).toBeNull();
  });

  it('never throws on hostile objects', () => {
    const hostile = Object.create(null) as Record<string, unknown>;
    hostile.prompt_tokens = 5;
    expect(normalizeUsage(hostile)).toEqual(usage({ promptTokens: 5 }));
    const getterBomb = {
      get prompt_tokens(): number {
        return 4;
      },
      completion_tokens_details: 'nope',
    };
    expect(normalizeUsage(getterBomb)).toEqual(usage({ promptTokens: 4 }));
    const throwing = {
      get prompt_tokens(): number {
        throw new Error('boom');
      },
    };
    expect(normalizeUsage(throwing)).toBeNull();
    const { proxy, revoke } = Proxy.revocable({ prompt_tokens: 1 }, {});
    revoke();
    expect(normalizeUsage(proxy)).toBeNull();
  });
});
