import { createHash } from 'node:crypto';
import { writeFrame } from '../mock-upstream/behaviour.js';
import { headerValue, pieces } from '../mock-upstream/http.js';
import type { Ctx } from '../mock-upstream/types.js';
import { baseHeaders, newId, RATE_LIMIT_OK, sendAnthropicError, sendJson, sseEvent } from './wire.js';

type Block = { type: 'text'; text: string } | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> }
  | { type: 'thinking'; thinking: string; signature: string };

interface Answer {
  content: Block[];
  stopReason: 'end_turn' | 'tool_use' | 'max_tokens' | 'stop_sequence';
  stopSequence: string | null;
}

/** Anthropic caches a prefix only from this many tokens on (1024 for Sonnet and Opus). */
const MIN_CACHEABLE_TOKENS = 1024;

function blocksText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((b: any) => (b?.type === 'text' ? b.text : b?.type === 'tool_result' ? blocksText(b.content) : '')).join('');
}

const tokensOf = (text: string) => Math.ceil(text.length / 4);

/** With thinking on, the answer opens with a thinking block (its signature lets it be sent back later). */
function decideAnswer(body: any): Answer {
  const answer = decideVisibleAnswer(body);
  if (body.thinking?.type !== 'enabled') return answer;
  const thinking = `Thinking about: ${blocksText(body.messages[body.messages.length - 1]?.content)}`;
  const signature = 'sig_' + createHash('sha256').update(thinking).digest('base64').slice(0, 24);
  return { ...answer, content: [{ type: 'thinking', thinking, signature }, ...answer.content] };
}

function decideVisibleAnswer(body: any): Answer {
  const last = body.messages[body.messages.length - 1];
  const lastText = blocksText(last?.content);
  const toolResults = Array.isArray(last?.content) ? last.content.filter((b: any) => b?.type === 'tool_result') : [];
  const tools: any[] = Array.isArray(body.tools) ? body.tools : [];
  const choice = body.tool_choice?.type ?? 'auto';
  if (toolResults.length > 0) return finish([{ type: 'text', text: `Tool said: ${toolResults.map((b: any) => blocksText(b.content)).join(' | ')}` }], body);
  if (tools.length > 0 && choice !== 'none') {
    // like Claude: with auto it talks first, and calls every tool it was given unless parallel use is disabled
    const picked = choice === 'tool' ? tools.filter((t) => t.name === body.tool_choice.name)
      : body.tool_choice?.disable_parallel_tool_use ? tools.slice(0, 1) : tools;
    const calls: Block[] = picked.map((t) => ({
      type: 'tool_use', id: newId('toolu'), name: t.name,
      input: Object.keys(t.input_schema?.properties ?? {}).length > 0 ? { query: lastText } : {},
    }));
    const preface: Block[] = choice === 'auto' ? [{ type: 'text', text: 'Let me check.' }] : [];
    return { content: [...preface, ...calls], stopReason: 'tool_use', stopSequence: null };
  }
  return finish([{ type: 'text', text: `Echo: ${lastText}` }], body);
}

/** Applies stop_sequences and max_tokens to a text answer, as the model would stop. */
function finish(content: Block[], body: any): Answer {
  const block = content[0] as { type: 'text'; text: string };
  for (const seq of body.stop_sequences ?? []) {
    const at = block.text.indexOf(seq);
    if (at >= 0) return { content: [{ type: 'text', text: block.text.slice(0, at) }], stopReason: 'stop_sequence', stopSequence: seq };
  }
  if (tokensOf(block.text) > body.max_tokens) {
    return { content: [{ type: 'text', text: block.text.slice(0, body.max_tokens * 4) }], stopReason: 'max_tokens', stopSequence: null };
  }
  return { content, stopReason: 'end_turn', stopSequence: null };
}

/**
 * Prompt caching: each cache_control breakpoint caches the prefix up to it (tools, system, messages in that
 * order). A prefix seen before is read from the cache; a new one is written.
 */
function cacheUsage(body: any, seen: Set<string>): { read: number; written: number; written1h: number; total: number } {
  const parts: Array<{ text: string; ttl: string | null }> = [];
  const ttlOf = (b: any) => (b.cache_control ? b.cache_control.ttl ?? '5m' : null);
  for (const t of body.tools ?? []) parts.push({ text: JSON.stringify(t), ttl: ttlOf(t) });
  const system = typeof body.system === 'string' ? [{ type: 'text', text: body.system }] : body.system ?? [];
  for (const b of system) parts.push({ text: b.text, ttl: ttlOf(b) });
  for (const m of body.messages) {
    const blocks = typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content;
    for (const b of blocks) parts.push({ text: JSON.stringify(b.type === 'text' ? b.text : b), ttl: ttlOf(b) });
  }
  const total = parts.reduce((n, p) => n + tokensOf(p.text), 0) + 3 * body.messages.length;
  let read = 0;
  let written = 0;
  let written1h = 0;
  let prefix = '';
  let prefixTokens = 0;
  for (const p of parts) {
    prefix += p.text;
    prefixTokens += tokensOf(p.text);
    if (p.ttl === null || prefixTokens < MIN_CACHEABLE_TOKENS) continue;
    const key = createHash('sha256').update(body.model + prefix).digest('hex');
    if (seen.has(key)) { read = prefixTokens; continue; }
    seen.add(key);
    const fresh = prefixTokens - read - written;
    written += fresh;
    if (p.ttl === '1h') written1h += fresh;
  }
  return { read, written, written1h, total };
}

function buildUsage(ctx: Ctx, body: any, answer: Answer, seen: Set<string>) {
  const cache = cacheUsage(body, seen);
  const out = answer.content.reduce((n, b) => n + tokensOf(b.type === 'text' ? b.text : b.type === 'thinking' ? b.thinking : JSON.stringify(b.input)), 0);
  const usage = {
    input_tokens: cache.total - cache.read - cache.written,
    cache_creation_input_tokens: cache.written,
    cache_read_input_tokens: cache.read,
    output_tokens: Math.max(1, out),
  };
  let written1h = cache.written1h;
  const raw = headerValue(ctx, 'x-mock-usage');
  if (raw) {
    const pinned = JSON.parse(raw) as Partial<typeof usage> & { ephemeral_1h_input_tokens?: number };
    written1h = pinned.ephemeral_1h_input_tokens ?? 0;
    delete pinned.ephemeral_1h_input_tokens;
    Object.assign(usage, pinned);
  }
  return {
    ...usage,
    cache_creation: { ephemeral_5m_input_tokens: usage.cache_creation_input_tokens - written1h, ephemeral_1h_input_tokens: written1h },
    service_tier: 'standard',
  };
}

export async function handleMessages(ctx: Ctx, snapshot: string, cacheSeen: Set<string>): Promise<void> {
  const body = ctx.body;
  const model = body.model as string;
  if (model === 'mock-error-500') return sendAnthropicError(ctx, 500, 'api_error', 'Internal server error');
  if (model === 'mock-overloaded') return sendAnthropicError(ctx, 529, 'overloaded_error', 'Overloaded');
  if (model === 'mock-error-429') {
    return sendAnthropicError(ctx, 429, 'rate_limit_error',
      'This request would exceed the rate limit for your organization (org-mock-0000) of 50 requests per minute. For details, refer to: https://docs.claude.com/en/api/rate-limits.',
      { 'retry-after': '1', 'anthropic-ratelimit-requests-limit': '50', 'anthropic-ratelimit-requests-remaining': '0', 'anthropic-ratelimit-requests-reset': '2026-01-01T00:00:01Z' });
  }
  const answer = decideAnswer(body);
  const usage = buildUsage(ctx, body, answer, cacheSeen);
  const id = newId('msg');
  if (body.stream === true) return streamMessage(ctx, { id, model: snapshot, answer, usage });
  sendJson(ctx, 200, {
    id, type: 'message', role: 'assistant', model: snapshot, content: answer.content,
    stop_reason: answer.stopReason, stop_sequence: answer.stopSequence, usage,
  }, RATE_LIMIT_OK);
}

async function streamMessage(ctx: Ctx, m: { id: string; model: string; answer: Answer; usage: ReturnType<typeof buildUsage> }): Promise<void> {
  ctx.res.writeHead(200, { ...baseHeaders(ctx, 'text/event-stream; charset=utf-8'), 'cache-control': 'no-cache', ...RATE_LIMIT_OK });
  const { output_tokens: outputTokens, ...startUsage } = m.usage;
  const frames: string[] = [sseEvent('message_start', {
    type: 'message_start',
    message: { id: m.id, type: 'message', role: 'assistant', model: m.model, content: [], stop_reason: null, stop_sequence: null, usage: { ...startUsage, output_tokens: Math.min(1, outputTokens) } },
  })];
  m.answer.content.forEach((block, index) => {
    const start = block.type === 'text' ? { type: 'text', text: '' } : block.type === 'thinking' ? { type: 'thinking', thinking: '', signature: '' } : { ...block, input: {} };
    frames.push(sseEvent('content_block_start', { type: 'content_block_start', index, content_block: start }));
    if (index === 0) frames.push(sseEvent('ping', { type: 'ping' }));
    const deltas: Array<Record<string, string>> = block.type === 'text'
      ? pieces(block.text).map((text) => ({ type: 'text_delta', text }))
      : block.type === 'thinking'
        ? [...pieces(block.thinking).map((thinking) => ({ type: 'thinking_delta', thinking })), { type: 'signature_delta', signature: block.signature }]
        : ['', ...(Object.keys(block.input).length ? pieces(JSON.stringify(block.input), 9) : [])].map((partial_json) => ({ type: 'input_json_delta', partial_json }));
    for (const delta of deltas) frames.push(sseEvent('content_block_delta', { type: 'content_block_delta', index, delta }));
    frames.push(sseEvent('content_block_stop', { type: 'content_block_stop', index }));
  });
  frames.push(sseEvent('message_delta', {
    type: 'message_delta',
    delta: { stop_reason: m.answer.stopReason, stop_sequence: m.answer.stopSequence },
    usage: { output_tokens: outputTokens },
  }));
  frames.push(sseEvent('message_stop', { type: 'message_stop' }));

  const model = m.model;
  if (model === 'mock-bad-sse') frames.splice(3, 0, 'event: content_block_delta\ndata: {not json}\n\n');
  // failure modes cut in after the third content delta
  const cutAt = model === 'mock-stream-error' || model === 'mock-reset' ? 1 + frames.findIndex((f) => f.startsWith('event: content_block_delta')) + 2 : -1;
  for (let i = 0; i < frames.length; i++) {
    if (i === cutAt) {
      if (model === 'mock-reset') return ctx.destroy();
      await writeFrame(ctx, sseEvent('error', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }));
      return ctx.end();
    }
    if (!(await writeFrame(ctx, frames[i]!))) return;
  }
  ctx.end();
}
