import { isRecord } from '../../cost/pricing';
import { SseSplitter } from '../../stream/sse-splitter';
import type { StreamTranslator } from '../adapter';
import { toFinishReason, toOpenAIUsage } from './chat-complete';
import { toOpenAIErrorFields } from './error';
import { JSON_TOOL } from './json-mode';

type Json = Record<string, unknown>;

/** a tool_use block being streamed; `json`: the response_format tool, whose input is the answer's content */
interface ToolBlock { toolIndex: number; hasArgs: boolean; json: boolean }

/**
 * Anthropic Messages SSE → OpenAI chat.completion.chunk SSE, event by event: each complete upstream event is
 * translated and returned at once (nothing is held back beyond an event cut in two by the network).
 */
export class AnthropicStreamTranslator implements StreamTranslator {
  private readonly splitter = new SseSplitter();
  private id = 'msg_unknown';
  private model: string;
  private readonly created: number;
  private readonly includeUsage: boolean;
  private readonly tools = new Map<number, ToolBlock>();
  /** thinking blocks being streamed: their text goes out as reasoning_content, the whole block at its end */
  private readonly thinking = new Map<number, { text: string; signature: string }>();
  private usage: Json = {};
  /** upstream events that were not JSON, skipped */
  malformed = 0;
  /** message_stop seen: the answer is whole */
  stopped = false;

  constructor(opts: { requestedModel: string; includeUsage: boolean; nowSec: number }) {
    this.model = opts.requestedModel;
    this.created = opts.nowSec;
    this.includeUsage = opts.includeUsage;
  }

  push(chunk: Buffer): string {
    let out = '';
    for (const e of this.splitter.push(chunk)) out += this.translate(e.event, e.data);
    return out;
  }

  /** Nothing is pending at the end: by the SSE spec an event the upstream never terminated is dropped. */
  finish(): string {
    return '';
  }

  private translate(event: string | null, data: string): string {
    if (data === '') return '';
    let obj: unknown;
    try { obj = JSON.parse(data); } catch { obj = null; }
    if (!isRecord(obj)) { this.malformed++; return ''; }
    switch (event ?? obj.type) {
      case 'message_start': return this.onMessageStart(obj);
      case 'content_block_start': return this.onBlockStart(obj);
      case 'content_block_delta': return this.onBlockDelta(obj);
      case 'content_block_stop': return this.onBlockStop(obj);
      case 'message_delta': return this.onMessageDelta(obj);
      case 'message_stop': return this.onMessageStop();
      case 'error': return sse({ error: toOpenAIErrorFields(isRecord(obj.error) ? obj.error : {}) });
      default: return ''; // ping, and event types Anthropic may add later
    }
  }

  private chunk(delta: Json, finishReason: string | null = null): string {
    const c: Json = {
      id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model, system_fingerprint: null,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    };
    if (this.includeUsage) c.usage = null;
    return sse(c);
  }

  private onMessageStart(obj: Json): string {
    const message = isRecord(obj.message) ? obj.message : {};
    if (typeof message.id === 'string') this.id = message.id;
    if (typeof message.model === 'string') this.model = message.model;
    if (isRecord(message.usage)) this.usage = { ...message.usage };
    // content null, not '': a tool-only answer streams as OpenAI's does and reassembles to content: null
    return this.chunk({ role: 'assistant', content: null, refusal: null });
  }

  private onBlockStart(obj: Json): string {
    const block = isRecord(obj.content_block) ? obj.content_block : {};
    const index = typeof obj.index === 'number' ? obj.index : 0;
    if (block.type === 'text' && typeof block.text === 'string' && block.text !== '') return this.chunk({ content: block.text });
    if (block.type === 'thinking') {
      const text = typeof block.thinking === 'string' ? block.thinking : '';
      this.thinking.set(index, { text, signature: typeof block.signature === 'string' ? block.signature : '' });
      return text === '' ? '' : this.chunk({ reasoning_content: text });
    }
    if (block.type === 'redacted_thinking') return this.chunk({ thinking_blocks: [{ type: 'redacted_thinking', data: String(block.data ?? '') }] });
    if (block.type !== 'tool_use') return '';
    if (block.name === JSON_TOOL) {
      this.tools.set(index, { toolIndex: -1, hasArgs: false, json: true });
      return '';
    }
    const toolIndex = [...this.tools.values()].filter((t) => !t.json).length;
    this.tools.set(index, { toolIndex, hasArgs: false, json: false });
    return this.chunk({ tool_calls: [{ index: toolIndex, id: String(block.id), type: 'function', function: { name: String(block.name), arguments: '' } }] });
  }

  private onBlockDelta(obj: Json): string {
    const delta = isRecord(obj.delta) ? obj.delta : {};
    if (delta.type === 'text_delta' && typeof delta.text === 'string') return this.chunk({ content: delta.text });
    const thinking = this.thinking.get(typeof obj.index === 'number' ? obj.index : 0);
    if (thinking && delta.type === 'thinking_delta' && typeof delta.thinking === 'string') {
      thinking.text += delta.thinking;
      return delta.thinking === '' ? '' : this.chunk({ reasoning_content: delta.thinking });
    }
    if (thinking && delta.type === 'signature_delta' && typeof delta.signature === 'string') {
      thinking.signature += delta.signature;
      return '';
    }
    if (delta.type !== 'input_json_delta' || typeof delta.partial_json !== 'string' || delta.partial_json === '') return '';
    const tool = this.tools.get(typeof obj.index === 'number' ? obj.index : 0);
    if (!tool) return '';
    tool.hasArgs = true;
    if (tool.json) return this.chunk({ content: delta.partial_json });
    return this.chunk({ tool_calls: [{ index: tool.toolIndex, function: { arguments: delta.partial_json } }] });
  }

  /** A tool called with no input streams no JSON; the whole answer says "{}", so the stream does too. */
  private onBlockStop(obj: Json): string {
    const thinking = this.thinking.get(typeof obj.index === 'number' ? obj.index : 0);
    // the whole block, signature included, is what a client must send back in a tool-use turn
    if (thinking) return this.chunk({ thinking_blocks: [{ type: 'thinking', thinking: thinking.text, signature: thinking.signature }] });
    const tool = this.tools.get(typeof obj.index === 'number' ? obj.index : 0);
    if (!tool || tool.hasArgs) return '';
    tool.hasArgs = true;
    if (tool.json) return this.chunk({ content: '{}' });
    return this.chunk({ tool_calls: [{ index: tool.toolIndex, function: { arguments: '{}' } }] });
  }

  private onMessageDelta(obj: Json): string {
    // message_delta's usage is cumulative; newer API versions repeat the input and cache counts there too
    if (isRecord(obj.usage)) {
      for (const [k, v] of Object.entries(obj.usage)) if (v !== null && v !== undefined) this.usage[k] = v;
    }
    const delta = isRecord(obj.delta) ? obj.delta : {};
    const isJson = [...this.tools.values()].some((t) => t.json);
    const finish = toFinishReason(isJson && delta.stop_reason === 'tool_use' ? 'end_turn' : delta.stop_reason);
    return finish === null ? '' : this.chunk({}, finish);
  }

  private onMessageStop(): string {
    this.stopped = true;
    let out = '';
    if (this.includeUsage) {
      out += sse({
        id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model, system_fingerprint: null,
        choices: [], usage: toOpenAIUsage(this.usage),
      });
    }
    return out + 'data: [DONE]\n\n';
  }
}

function sse(payload: unknown): string {
  return `data: ${JSON.stringify(payload)}\n\n`;
}
