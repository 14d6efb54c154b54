import type { Endpoint } from '../../../shared/api/dto';
import { createRequire } from 'node:module';
import type { ModelPrice } from '../cost/pricing';

type Json = Record<string, unknown>;

/** OpenAI's chat framing: a few tokens per message around its content, and the reply's priming. */
const TOKENS_PER_MESSAGE = 4;
const REPLY_PRIMING = 3;
/** an image part is reserved at this many tokens (OpenAI's high-detail 4o images stay below it) */
const TOKENS_PER_IMAGE = 2048;
/**
 * Providers without a public tokenizer here (Anthropic and others) are counted with o200k plus this margin:
 * their tokenizers split English text into more pieces than o200k does.
 */
const FOREIGN_TOKENIZER_MARGIN = 1.3;
/** when neither the request nor the pricing table bounds the answer */
const DEFAULT_MAX_OUTPUT = 128_000;
/** BPE cost grows with the length of one unbroken run; pieces this long keep any input fast */
const PIECE_CHARS = 1000;
/** beyond this much text, each further UTF-8 byte counts as a token (a BPE token is at least one byte) */
const TOKENIZED_CHARS_MAX = 256 * 1024;

// o200k for everything current; cl100k for the GPT-4 / GPT-3.5 generation
const CL100K_MODEL = /^(gpt-4(?!o|\.\d)|gpt-3\.5|text-embedding-(3|ada))/;

type Counter = (text: string) => number;

// The BPE tables cost ~80 MB and ~0.8 s to load: only a request that a money cap applies to needs them, so they
// load on its first use, not at start (idle RSS and cold start are measured targets).
const requireLazily = createRequire(import.meta.url);
let o200k: Counter | null = null;
let cl100k: Counter | null = null;
const countO200k: Counter = (text) =>
  (o200k ??= (requireLazily('gpt-tokenizer/encoding/o200k_base') as { countTokens: Counter }).countTokens)(text);
const countCl100k: Counter = (text) =>
  (cl100k ??= (requireLazily('gpt-tokenizer/encoding/cl100k_base') as { countTokens: Counter }).countTokens)(text);

function counterFor(model: string, price: ModelPrice | null): { count: Counter; margin: number } {
  const name = model.toLowerCase().replace(/^.*\//, '');
  const count = CL100K_MODEL.test(name) ? countCl100k : countO200k;
  const margin = price && price.provider !== 'openai' ? FOREIGN_TOKENIZER_MARGIN : 1;
  return { count, margin };
}

/** Tokens of one text, tokenized in pieces so a pathological input cannot stall the event loop. */
function countText(text: string, count: Counter, budget: { chars: number }): number {
  let tokens = 0;
  for (let i = 0; i < text.length; i += PIECE_CHARS) {
    const piece = text.slice(i, i + PIECE_CHARS);
    if (budget.chars >= TOKENIZED_CHARS_MAX) tokens += Buffer.byteLength(piece);
    else tokens += count(piece);
    budget.chars += piece.length;
  }
  return tokens;
}

function isImagePart(p: Json): boolean {
  return p.type === 'image_url' || p.type === 'input_image' || p.type === 'image';
}

/** Text parts counted, images at a fixed worst case, anything else (audio, files) by its JSON. */
function countContent(content: unknown, count: Counter, budget: { chars: number }): number {
  if (typeof content === 'string') return countText(content, count, budget);
  if (!Array.isArray(content)) return content == null ? 0 : countText(JSON.stringify(content), count, budget);
  let tokens = 0;
  for (const part of content) {
    if (typeof part === 'string') tokens += countText(part, count, budget);
    else if (part && typeof part === 'object') {
      const p = part as Json;
      if (typeof p.text === 'string') tokens += countText(p.text, count, budget);
      else if (isImagePart(p)) tokens += TOKENS_PER_IMAGE;
      else tokens += countText(JSON.stringify(p), count, budget);
    }
  }
  return tokens;
}

function countMessages(items: unknown[], count: Counter, budget: { chars: number }): number {
  let tokens = REPLY_PRIMING;
  for (const item of items) {
    if (!item || typeof item !== 'object') continue;
    const m = item as Json;
    tokens += TOKENS_PER_MESSAGE;
    if (typeof m.role === 'string') tokens += countText(m.role, count, budget);
    if (typeof m.name === 'string') tokens += countText(m.name, count, budget);
    tokens += countContent(m.content, count, budget);
    // anything else the message carries (tool calls, function outputs, reasoning items) by its JSON
    for (const [k, v] of Object.entries(m)) {
      if (k === 'role' || k === 'name' || k === 'content' || v == null) continue;
      tokens += countText(typeof v === 'string' ? v : JSON.stringify(v), count, budget);
    }
  }
  return tokens;
}

/** Fields besides the messages that the model reads as input. */
const EXTRA_INPUT_FIELDS = ['tools', 'functions', 'tool_choice', 'response_format', 'instructions', 'text', 'prediction'];

const counted = new WeakMap<Json, Map<Counter, number>>();

/** Input tokens of a request, counted with the model family's tokenizer (once per body and tokenizer). */
export function countInputTokens(endpoint: Endpoint, body: Json, model: string, price: ModelPrice | null): number {
  const { count, margin } = counterFor(model, price);
  let byCounter = counted.get(body);
  if (!byCounter) { byCounter = new Map(); counted.set(body, byCounter); }
  let tokens = byCounter.get(count);
  if (tokens === undefined) {
    tokens = countBody(endpoint, body, count);
    byCounter.set(count, tokens);
  }
  return Math.ceil(tokens * margin);
}

function countBody(endpoint: Endpoint, body: Json, count: Counter): number {
  const budget = { chars: 0 };
  let tokens = 0;
  if (endpoint === 'chat.completions' && Array.isArray(body.messages)) tokens += countMessages(body.messages, count, budget);
  else if (endpoint === 'responses') {
    if (typeof body.input === 'string') tokens += REPLY_PRIMING + TOKENS_PER_MESSAGE + countText(body.input, count, budget);
    else if (Array.isArray(body.input)) tokens += countMessages(body.input, count, budget);
  } else if (endpoint === 'embeddings') {
    const input = Array.isArray(body.input) ? body.input : [body.input];
    for (const x of input) {
      if (typeof x === 'string') tokens += countText(x, count, budget);
      // pre-tokenized input: one number is one token, an array of numbers is one text
      else if (typeof x === 'number') tokens += 1;
      else if (Array.isArray(x)) tokens += x.length;
    }
  }
  if (endpoint !== 'embeddings') {
    for (const f of EXTRA_INPUT_FIELDS) {
      const v = body[f];
      if (v != null) tokens += countText(typeof v === 'string' ? v : JSON.stringify(v), count, budget);
    }
  }
  return tokens;
}

/** The output bound the request itself sets (max_tokens and friends, times n); null when it sets none. */
export function requestedOutputTokens(endpoint: Endpoint, body: Json): number | null {
  if (endpoint === 'embeddings') return 0;
  const requested = endpoint === 'responses'
    ? positiveInt(body.max_output_tokens)
    : positiveInt(body.max_completion_tokens) ?? positiveInt(body.max_tokens);
  if (requested === null) return null;
  return requested * (endpoint === 'chat.completions' ? positiveInt(body.n) ?? 1 : 1);
}

function positiveInt(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.ceil(v) : null;
}

/** The most output tokens the answer can have: the request's own bound, else the model's, times `n`. */
export function maxOutputTokens(endpoint: Endpoint, body: Json, price: ModelPrice | null, inputTokens: number): number {
  if (endpoint === 'embeddings') return 0;
  const requested = endpoint === 'responses'
    ? positiveInt(body.max_output_tokens)
    : positiveInt(body.max_completion_tokens) ?? positiveInt(body.max_tokens);
  const modelLimit = price?.maxOutput ?? (price?.contextWindow ? Math.max(0, price.contextWindow - inputTokens) : DEFAULT_MAX_OUTPUT);
  const perChoice = requested === null ? modelLimit : Math.min(requested, modelLimit || requested);
  const n = endpoint === 'chat.completions' ? positiveInt(body.n) ?? 1 : 1;
  return perChoice * n;
}

export interface WorstCase {
  inputTokens: number;
  outputTokens: number;
  usd: number;
}

/** Worst-case USD of a request: every input token at the full input price, plus the longest possible answer. */
export function computeWorstCase(endpoint: Endpoint, body: Json, model: string, price: ModelPrice): WorstCase {
  const inputTokens = countInputTokens(endpoint, body, model, price);
  const outputTokens = maxOutputTokens(endpoint, body, price, inputTokens);
  // a cache write (Anthropic) can cost more than plain input; a cache read never does
  const inputPrice = Math.max(price.input, price.cacheWrite ?? 0);
  const usd = (inputTokens * inputPrice + outputTokens * price.output) / 1e6;
  // rounded up at the 1e-10 the cost math rounds to, so rounding never lets a settlement exceed its reservation
  return { inputTokens, outputTokens, usd: Math.ceil(usd * 1e10) / 1e10 };
}
