import { SseSplitter } from './sse-splitter';

interface ToolCallAcc { id: string; type: string; name: string; arguments: string }
interface ChoiceAcc {
  content: string; refusal: string | null; hasContent: boolean; toolCalls: ToolCallAcc[]; finishReason: string | null; role: string;
  /** a reasoning model's thinking (reasoning_content deltas) and the blocks it must get back (thinking_blocks) */
  reasoning: string | null; thinkingBlocks: Json[];
}

type Json = Record<string, unknown>;

/**
 * Reads a chat.completions SSE stream beside the pipe: rebuilds the whole message (content, tool-call
 * deltas, finish reason, usage) for the trace and the cache, and decides which bytes go to the client.
 */
export class ChatStreamAccumulator {
  private readonly splitter = new SseSplitter();
  private readonly choices: ChoiceAcc[] = [];
  private meta: Json = {};
  usage: Json | null = null;
  done = false;
  malformed = 0;
  error: Json | null = null;

  /** @param dropUsageChunk the client did not ask for usage, so the usage-only chunk we requested is hidden */
  constructor(private readonly dropUsageChunk: boolean) {}

  /** Returns the bytes to forward: the chunk itself when nothing is hidden (no re-chunking). */
  push(chunk: Buffer): Buffer | string {
    const events = this.splitter.push(chunk);
    if (!this.dropUsageChunk) {
      for (const e of events) this.read(e.data);
      return chunk;
    }
    let out = '';
    for (const e of events) {
      if (!this.read(e.data)) out += e.raw;
    }
    return out;
  }

  /** @returns true when the event is the usage-only chunk */
  private read(data: string): boolean {
    if (data === '[DONE]') { this.done = true; return false; }
    if (data === '') return false;
    let obj: Json;
    try { obj = JSON.parse(data) as Json; } catch { this.malformed++; return false; }
    if (obj.error) { this.error = obj.error as Json; return false; }
    if (this.meta.id === undefined) {
      this.meta = { id: obj.id, created: obj.created, model: obj.model, system_fingerprint: obj.system_fingerprint, service_tier: obj.service_tier };
    }
    if (obj.usage) this.usage = obj.usage as Json;
    const choices = Array.isArray(obj.choices) ? (obj.choices as Json[]) : [];
    for (const c of choices) this.readChoice(c);
    return choices.length === 0 && obj.usage != null;
  }

  private readChoice(c: Json) {
    const index = typeof c.index === 'number' ? c.index : 0;
    const acc = (this.choices[index] ??= { content: '', refusal: null, hasContent: false, toolCalls: [], finishReason: null, role: 'assistant', reasoning: null, thinkingBlocks: [] });
    const delta = (c.delta ?? {}) as Json;
    if (typeof delta.role === 'string') acc.role = delta.role;
    if (typeof delta.content === 'string') { acc.content += delta.content; acc.hasContent = true; }
    if (typeof delta.refusal === 'string') acc.refusal = (acc.refusal ?? '') + delta.refusal;
    if (typeof delta.reasoning_content === 'string') acc.reasoning = (acc.reasoning ?? '') + delta.reasoning_content;
    if (Array.isArray(delta.thinking_blocks)) acc.thinkingBlocks.push(...(delta.thinking_blocks as Json[]));
    if (Array.isArray(delta.tool_calls)) {
      for (const tc of delta.tool_calls as Json[]) {
        const i = typeof tc.index === 'number' ? tc.index : 0;
        const call = (acc.toolCalls[i] ??= { id: '', type: 'function', name: '', arguments: '' });
        if (typeof tc.id === 'string') call.id = tc.id;
        if (typeof tc.type === 'string') call.type = tc.type;
        const fn = (tc.function ?? {}) as Json;
        if (typeof fn.name === 'string') call.name += fn.name;
        if (typeof fn.arguments === 'string') call.arguments += fn.arguments;
      }
    }
    if (typeof c.finish_reason === 'string') acc.finishReason = c.finish_reason;
  }

  /** true when the stream ended as OpenAI ends it: every choice finished and [DONE] seen */
  get complete(): boolean {
    return this.done && this.error === null && this.choices.length > 0 && this.choices.every((c) => c?.finishReason);
  }

  text(): string {
    return this.choices.map((c) => c?.content ?? '').join('\n');
  }

  /** The stream as the non-streaming chat.completion object it stands for. */
  toCompletion(): Json {
    return {
      id: this.meta.id, object: 'chat.completion', created: this.meta.created, model: this.meta.model,
      choices: this.choices.map((c, index) => ({
        index,
        message: {
          role: c.role,
          content: c.hasContent || c.toolCalls.length === 0 ? c.content : null,
          refusal: c.refusal,
          ...(c.reasoning !== null || c.thinkingBlocks.length ? { reasoning_content: c.reasoning ?? '', thinking_blocks: c.thinkingBlocks } : {}),
          ...(c.toolCalls.length ? {
            tool_calls: c.toolCalls.map((t) => ({ id: t.id, type: t.type, function: { name: t.name, arguments: t.arguments } })),
          } : {}),
        },
        logprobs: null,
        finish_reason: c.finishReason,
      })),
      usage: this.usage,
      system_fingerprint: this.meta.system_fingerprint ?? null,
      ...(this.meta.service_tier ? { service_tier: this.meta.service_tier } : {}),
    };
  }
}
