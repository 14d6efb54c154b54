/** List price of one model family, USD per 1M tokens. */
export interface ModelPrice {
  provider: string;
  input: number;
  /** price of a cache hit (OpenAI cached input, Anthropic cache read); null: no discount, bill as input */
  cachedInput: number | null;
  /** Anthropic 5-minute cache write; null/absent: bill as input */
  cacheWrite?: number | null;
  output: number;
  /** fraction of the price the Batch API takes off (0.5 = half price) */
  batchDiscount?: number;
  contextWindow?: number;
  maxOutput?: number;
  /** page the price was read from */
  source: string;
  /** YYYY-MM-DD of the material the price was read from */
  checked: string;
}

export interface PricingTable {
  models: Record<string, ModelPrice>;
  /** extra name -> key of `models` */
  aliases: Record<string, string>;
}

/**
 * Token counts of one call, normalized across APIs.
 * promptTokens includes cachedTokens and cacheWriteTokens; completionTokens includes reasoningTokens.
 */
export interface Usage {
  promptTokens: number;
  cachedTokens: number;
  cacheWriteTokens: number;
  completionTokens: number;
  /** informational: already counted inside completionTokens */
  reasoningTokens: number;
  /** Anthropic 1-hour cache writes, part of cacheWriteTokens (absent: all writes are 5-minute ones) */
  cacheWrite1hTokens?: number;
}

/** Anthropic bills 1-hour cache writes at twice the base input price (5-minute ones at cacheWrite, 1.25x). */
const CACHE_WRITE_1H_FACTOR = 2;

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// ---------------------------------------------------------------- model resolution

/** Suffixes a model id may carry that do not change its price; stripped one at a time from the end. */
const SUFFIXES: readonly RegExp[] = [
  /-\d{4}-\d{2}-\d{2}$/, // OpenAI snapshot: gpt-4o-2024-08-06
  /-\d{8}$/, // Anthropic snapshot: claude-sonnet-4-5-20250929
  /-\d{4}$/, // old OpenAI snapshot: gpt-4-0613
  /-latest$/,
  /-preview$/,
];

const MEMO_LIMIT = 2000;
const memos = new WeakMap<PricingTable, Map<string, string | null>>();

function lookup(table: PricingTable, name: string): string | null {
  if (Object.hasOwn(table.models, name)) return name;
  if (Object.hasOwn(table.aliases, name)) {
    const target = table.aliases[name];
    if (target !== undefined && Object.hasOwn(table.models, target)) return target;
  }
  return null;
}

/** Exact / alias match, then the same after stripping known suffixes one by one. Never a loose prefix match. */
function lookupWithSuffixes(table: PricingTable, name: string): string | null {
  let current = name;
  for (;;) {
    const hit = lookup(table, current);
    if (hit !== null) return hit;
    const rule = SUFFIXES.find((re) => re.test(current));
    if (rule === undefined) return null;
    const next = current.replace(rule, '');
    if (next === '' || next === current) return null;
    current = next;
  }
}

function resolveUncached(table: PricingTable, model: string): string | null {
  let name = model.trim().toLowerCase();
  if (name === '') return null;

  const direct = lookup(table, name);
  if (direct !== null) return direct;

  // fine-tune wrapper: ft:gpt-4o-mini-2024-07-18:org:suffix:id  -> gpt-4o-mini-2024-07-18
  if (name.startsWith('ft:')) name = name.slice(3).split(':')[0] ?? '';
  // provider prefix: openai/gpt-4o, openrouter/anthropic/claude-sonnet-4-5 -> last segment
  const slash = name.lastIndexOf('/');
  if (slash >= 0) name = name.slice(slash + 1);
  if (name.startsWith('ft:')) name = name.slice(3).split(':')[0] ?? '';
  if (name === '') return null;

  const found = lookupWithSuffixes(table, name);
  if (found !== null) return found;

  // dotted Claude versions as some routers spell them: claude-sonnet-4.5 -> claude-sonnet-4-5
  if (name.startsWith('claude-') && /\d\.\d/.test(name)) {
    return lookupWithSuffixes(table, name.replace(/(\d)\.(?=\d)/g, '$1-'));
  }
  return null;
}

/** The pricing key a model id belongs to, or null when it is not priced (shown as unpriced, never $0). */
export function resolveModelFamily(table: PricingTable, model: string): string | null {
  if (typeof model !== 'string') return null;
  let memo = memos.get(table);
  if (memo === undefined) {
    memo = new Map();
    memos.set(table, memo);
  }
  const cached = memo.get(model);
  if (cached !== undefined) return cached;
  const family = resolveUncached(table, model);
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(model, family);
  return family;
}

export function resolvePrice(table: PricingTable, model: string): ModelPrice | null {
  const family = resolveModelFamily(table, model);
  return family === null ? null : (table.models[family] ?? null);
}

// ---------------------------------------------------------------- cost

function count(v: number): number {
  return Number.isFinite(v) && v > 0 ? v : 0;
}

/**
 * USD for one call. Cached and cache-write tokens are part of promptTokens; the rest of the prompt is
 * billed at the input rate. Reasoning tokens are inside completionTokens and are not added again.
 */
export function computeCostUsd(price: ModelPrice, usage: Usage): number {
  const prompt = count(usage.promptTokens);
  const cached = count(usage.cachedTokens);
  const written = count(usage.cacheWriteTokens);
  const written1h = Math.min(count(usage.cacheWrite1hTokens ?? 0), written);
  const completion = count(usage.completionTokens);
  const uncached = Math.max(0, prompt - cached - written);

  const micro =
    uncached * price.input +
    cached * (price.cachedInput ?? price.input) +
    (written - written1h) * (price.cacheWrite ?? price.input) +
    written1h * price.input * CACHE_WRITE_1H_FACTOR +
    completion * price.output;
  return Math.round((micro / 1e6) * 1e10) / 1e10;
}

// ---------------------------------------------------------------- usage

/** A token count, or undefined for anything that is not a finite number >= 0. */
function tokens(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
}

function field(obj: unknown, key: string): unknown {
  return isRecord(obj) ? obj[key] : undefined;
}

/**
 * Normalize a usage object from OpenAI Chat Completions, the Responses API, Embeddings or Anthropic Messages.
 * Returns null when nothing usable is there. Never throws.
 */
export function normalizeUsage(raw: unknown): Usage | null {
  try {
    return readUsage(raw);
  } catch {
    return null; // throwing getters, revoked proxies and the like
  }
}

function readUsage(raw: unknown): Usage | null {
  if (!isRecord(raw)) return null;

  const cacheRead = tokens(raw.cache_read_input_tokens);
  const cacheCreation = tokens(raw.cache_creation_input_tokens);

  // Anthropic Messages: input_tokens excludes both cache buckets. A translated answer (OpenAI shape with the
  // Anthropic cache fields beside) already counts them inside prompt_tokens.
  if (cacheRead !== undefined || cacheCreation !== undefined) {
    const input = tokens(raw.input_tokens) ?? 0;
    const output = tokens(raw.completion_tokens) ?? tokens(raw.output_tokens) ?? 0;
    const usage: Usage = {
      promptTokens: tokens(raw.prompt_tokens) ?? input + (cacheRead ?? 0) + (cacheCreation ?? 0),
      cachedTokens: cacheRead ?? 0,
      cacheWriteTokens: cacheCreation ?? 0,
      completionTokens: output,
      reasoningTokens: 0,
    };
    const written1h = tokens(field(raw.cache_creation, 'ephemeral_1h_input_tokens'));
    if (written1h) usage.cacheWrite1hTokens = Math.min(written1h, usage.cacheWriteTokens);
    return usage;
  }

  // OpenAI Chat Completions / Embeddings use prompt_/completion_; Responses (and a plain Anthropic usage) input_/output_.
  const chatShape = tokens(raw.prompt_tokens) !== undefined || tokens(raw.completion_tokens) !== undefined;
  const prompt = chatShape ? tokens(raw.prompt_tokens) : tokens(raw.input_tokens);
  const completion = chatShape ? tokens(raw.completion_tokens) : tokens(raw.output_tokens);
  const promptDetails = chatShape ? raw.prompt_tokens_details : raw.input_tokens_details;
  const completionDetails = chatShape ? raw.completion_tokens_details : raw.output_tokens_details;
  const cached = tokens(field(promptDetails, 'cached_tokens'));
  const reasoning = tokens(field(completionDetails, 'reasoning_tokens')) ?? tokens(raw.reasoning_tokens);
  const total = tokens(raw.total_tokens);

  if (prompt === undefined && completion === undefined) {
    if (total === undefined) return null;
    // only a total: nothing to split it with, count it as prompt (embeddings-like)
    return { promptTokens: total, cachedTokens: 0, cacheWriteTokens: 0, completionTokens: 0, reasoningTokens: 0 };
  }

  const promptTokens = prompt ?? 0;
  let completionTokens = completion ?? 0;
  const reasoningTokens = reasoning ?? 0;
  // OpenAI counts reasoning inside completion (total = prompt + completion). Some compatible servers report it
  // on the side (total = prompt + completion + reasoning); then it has to be billed as output too.
  if (
    reasoningTokens > 0 &&
    total !== undefined &&
    total === promptTokens + completionTokens + reasoningTokens &&
    total !== promptTokens + completionTokens
  ) {
    completionTokens += reasoningTokens;
  }

  return {
    promptTokens,
    cachedTokens: Math.min(cached ?? 0, promptTokens),
    cacheWriteTokens: 0,
    completionTokens,
    reasoningTokens,
  };
}
