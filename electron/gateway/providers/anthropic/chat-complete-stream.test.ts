import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChatStreamAccumulator } from '../../stream/chat-stream';
import { translateMessage } from './chat-complete';
import { AnthropicStreamTranslator } from './chat-complete-stream';
import { JSON_TOOL } from './json-mode';

type Json = Record<string, unknown>;

const ev = (type: string, payload: Json) => `event: ${type}\ndata: ${JSON.stringify({ type, ...payload })}\n\n`;

/** A stream as the Messages API sends it: text, then two tool calls, usage with cache counts. */
const TOOL_STREAM = [
  ev('message_start', { message: { id: 'msg_01', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5-20250929', content: [], stop_reason: null, stop_sequence: null,
    usage: { input_tokens: 40, cache_creation_input_tokens: 1200, cache_read_input_tokens: 3000, output_tokens: 1 } } }),
  ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
  ev('ping', {}),
  ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'Let me ' } }),
  ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'check.' } }),
  ev('content_block_stop', { index: 0 }),
  ev('content_block_start', { index: 1, content_block: { type: 'tool_use', id: 'toolu_A', name: 'get_weather', input: {} } }),
  ev('content_block_delta', { index: 1, delta: { type: 'input_json_delta', partial_json: '' } }),
  ev('content_block_delta', { index: 1, delta: { type: 'input_json_delta', partial_json: '{"city": "Pa' } }),
  ev('content_block_delta', { index: 1, delta: { type: 'input_json_delta', partial_json: 'ris"}' } }),
  ev('content_block_stop', { index: 1 }),
  ev('content_block_start', { index: 2, content_block: { type: 'tool_use', id: 'toolu_B', name: 'get_time', input: {} } }),
  ev('content_block_delta', { index: 2, delta: { type: 'input_json_delta', partial_json: '' } }),
  ev('content_block_stop', { index: 2 }),
  ev('message_delta', { delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 57 } }),
  ev('message_stop', {}),
].join('');

function translate(input: string, chunks: number[] = [], includeUsage = true): string {
  const t = new AnthropicStreamTranslator({ requestedModel: 'claude-sonnet-4-5', includeUsage, nowSec: 1700000000 });
  const bytes = Buffer.from(input);
  let out = '';
  let at = 0;
  for (const cut of [...chunks].sort((a, b) => a - b)) {
    out += t.push(bytes.subarray(at, cut));
    at = cut;
  }
  return out + t.push(bytes.subarray(at)) + t.finish();
}

function dataOf(sse: string): Array<Json | '[DONE]'> {
  return sse.split('\n\n').filter(Boolean).map((e) => {
    expect(e.startsWith('data: ')).toBe(true);
    const d = e.slice(6);
    return d === '[DONE]' ? '[DONE]' : (JSON.parse(d) as Json);
  });
}

describe('Anthropic SSE → OpenAI chunks', () => {
  it('emits role, content, tool call deltas, finish_reason, usage and [DONE] in OpenAI form', () => {
    const chunks = dataOf(translate(TOOL_STREAM));
    expect(chunks[chunks.length - 1]).toBe('[DONE]');
    const json = chunks.filter((c): c is Json => c !== '[DONE]');
    for (const c of json) expect(c).toMatchObject({ id: 'msg_01', object: 'chat.completion.chunk', created: 1700000000, model: 'claude-sonnet-4-5-20250929' });
    const deltas = json.filter((c) => (c.choices as Json[]).length > 0).map((c) => (c.choices as Json[])[0]!);
    expect(deltas.map((d) => d.delta)).toEqual([
      { role: 'assistant', content: null, refusal: null },
      { content: 'Let me ' },
      { content: 'check.' },
      { tool_calls: [{ index: 0, id: 'toolu_A', type: 'function', function: { name: 'get_weather', arguments: '' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '{"city": "Pa' } }] },
      { tool_calls: [{ index: 0, function: { arguments: 'ris"}' } }] },
      { tool_calls: [{ index: 1, id: 'toolu_B', type: 'function', function: { name: 'get_time', arguments: '' } }] },
      { tool_calls: [{ index: 1, function: { arguments: '{}' } }] },
      {},
    ]);
    expect(deltas.map((d) => d.finish_reason)).toEqual([null, null, null, null, null, null, null, null, 'tool_calls']);
    const usage = json[json.length - 1]!;
    expect(usage.choices).toEqual([]);
    expect(usage.usage).toMatchObject({ prompt_tokens: 4240, completion_tokens: 57, total_tokens: 4297, prompt_tokens_details: { cached_tokens: 3000 } });
  });

  it('is read back by the gateway stream accumulator into the whole message', () => {
    const acc = new ChatStreamAccumulator(false);
    acc.push(Buffer.from(translate(TOOL_STREAM)));
    expect(acc.complete).toBe(true);
    expect(acc.toCompletion().choices).toEqual([{ index: 0, logprobs: null, finish_reason: 'tool_calls', message: {
      role: 'assistant', content: 'Let me check.', refusal: null, tool_calls: [
        { id: 'toolu_A', type: 'function', function: { name: 'get_weather', arguments: '{"city": "Paris"}' } },
        { id: 'toolu_B', type: 'function', function: { name: 'get_time', arguments: '{}' } },
      ],
    } }]);
  });

  it('gives the same output however the network splits the bytes', () => {
    const whole = translate(TOOL_STREAM);
    const len = Buffer.byteLength(TOOL_STREAM);
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: len }), { maxLength: 12 }), (cuts) => {
      expect(translate(TOOL_STREAM, cuts)).toBe(whole);
    }), { seed: 3, numRuns: 200 });
  });

  it('answers each complete event at once, without waiting for the rest of the stream', () => {
    const t = new AnthropicStreamTranslator({ requestedModel: 'm', includeUsage: false, nowSec: 0 });
    const events = TOOL_STREAM.split(/(?<=\n\n)/);
    expect(t.push(Buffer.from(events[0]!))).toContain('"role":"assistant"');
    t.push(Buffer.from(events[1]! + events[2]!));
    const half = events[3]!.length >> 1;
    expect(t.push(Buffer.from(events[3]!.slice(0, half)))).toBe('');
    expect(t.push(Buffer.from(events[3]!.slice(half)))).toContain('"content":"Let me "');
  });

  it('leaves usage out unless asked and maps max_tokens to length', () => {
    const stream = [
      ev('message_start', { message: { id: 'msg_2', model: 'claude-haiku-4-5-20251001', usage: { input_tokens: 5, output_tokens: 1 } } }),
      ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
      ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'Hi' } }),
      ev('content_block_stop', { index: 0 }),
      ev('message_delta', { delta: { stop_reason: 'max_tokens' }, usage: { output_tokens: 1 } }),
      ev('message_stop', {}),
    ].join('');
    const chunks = dataOf(translate(stream, [], false));
    expect(chunks.some((c) => c !== '[DONE]' && 'usage' in c)).toBe(false);
    expect(chunks.filter((c): c is Json => c !== '[DONE]').map((c) => (c.choices as Json[])[0]!.finish_reason)).toEqual([null, null, 'length']);
  });

  it('streams the response_format tool input as content, finished with stop', () => {
    const stream = [
      ev('message_start', { message: { id: 'msg_j', model: 'm', usage: { input_tokens: 5, output_tokens: 1 } } }),
      ev('content_block_start', { index: 0, content_block: { type: 'tool_use', id: 'toolu_j', name: JSON_TOOL, input: {} } }),
      ev('content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: '{"city":' } }),
      ev('content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: '"Oslo"}' } }),
      ev('content_block_stop', { index: 0 }),
      ev('message_delta', { delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 6 } }),
      ev('message_stop', {}),
    ].join('');
    const acc = new ChatStreamAccumulator(false);
    acc.push(Buffer.from(translate(stream)));
    expect(acc.toCompletion().choices).toEqual([{ index: 0, logprobs: null, finish_reason: 'stop', message: { role: 'assistant', content: '{"city":"Oslo"}', refusal: null } }]);
  });

  it('turns an error event into one OpenAI error event and sends no [DONE]', () => {
    const stream = ev('message_start', { message: { id: 'msg_3', model: 'm', usage: { input_tokens: 5, output_tokens: 1 } } })
      + ev('error', { error: { type: 'overloaded_error', message: 'Overloaded' } });
    const chunks = dataOf(translate(stream));
    expect(chunks[1]).toEqual({ error: { message: 'anthropic error: Overloaded', type: 'overloaded_error', code: 'upstream_unavailable', param: null } });
    expect(chunks).not.toContain('[DONE]');
    const acc = new ChatStreamAccumulator(false);
    acc.push(Buffer.from(translate(stream)));
    expect(acc.complete).toBe(false);
    expect(acc.error).toMatchObject({ message: 'anthropic error: Overloaded' });
  });

  it('streams thinking as reasoning_content, then the whole block to send back; reassembles like the whole answer', () => {
    const start = { id: 'msg_t', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5-20250929', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 9, output_tokens: 1 } };
    const stream = [
      ev('message_start', { message: start }),
      ev('content_block_start', { index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } }),
      ev('content_block_delta', { index: 0, delta: { type: 'thinking_delta', thinking: 'Let me ' } }),
      ev('content_block_delta', { index: 0, delta: { type: 'thinking_delta', thinking: 'think.' } }),
      ev('content_block_delta', { index: 0, delta: { type: 'signature_delta', signature: 'EqQB' } }),
      ev('content_block_stop', { index: 0 }),
      ev('content_block_start', { index: 1, content_block: { type: 'redacted_thinking', data: 'opaque' } }),
      ev('content_block_stop', { index: 1 }),
      ev('content_block_start', { index: 2, content_block: { type: 'text', text: '' } }),
      ev('content_block_delta', { index: 2, delta: { type: 'text_delta', text: '42' } }),
      ev('content_block_stop', { index: 2 }),
      ev('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 30 } }),
      ev('message_stop', {}),
    ].join('');
    const t = new AnthropicStreamTranslator({ requestedModel: 'm', includeUsage: false, nowSec: 7 });
    const out = t.push(Buffer.from(stream));
    const deltas = out.split('\n\n').filter((f) => f.startsWith('data: {')).map((f) => (JSON.parse(f.slice(6)) as { choices: Array<{ delta: Json }> }).choices[0]!.delta);
    expect(deltas.filter((d) => 'reasoning_content' in d).map((d) => d.reasoning_content)).toEqual(['Let me ', 'think.']);
    expect(deltas.filter((d) => 'thinking_blocks' in d).map((d) => d.thinking_blocks)).toEqual([
      [{ type: 'thinking', thinking: 'Let me think.', signature: 'EqQB' }], [{ type: 'redacted_thinking', data: 'opaque' }],
    ]);
    const acc = new ChatStreamAccumulator(false);
    acc.push(Buffer.from(out));
    const whole = translateMessage({ ...start, content: [
      { type: 'thinking', thinking: 'Let me think.', signature: 'EqQB' }, { type: 'redacted_thinking', data: 'opaque' }, { type: 'text', text: '42' },
    ], stop_reason: 'end_turn', usage: { input_tokens: 9, output_tokens: 30 } }, 'm', 7);
    expect((acc.toCompletion().choices as Json[])[0]).toEqual((whole.choices as Json[])[0]);
  });

  it('skips pings, stray thinking deltas, unknown events and non-JSON data', () => {
    const t = new AnthropicStreamTranslator({ requestedModel: 'm', includeUsage: false, nowSec: 0 });
    const out = t.push(Buffer.from(ev('ping', {}) + ev('content_block_delta', { index: 0, delta: { type: 'thinking_delta', thinking: 'hmm' } })
      + ev('some_future_event', { x: 1 }) + 'event: content_block_delta\ndata: {oops\n\n' + 'data: null\n\n'));
    expect(out).toBe('');
    expect(t.malformed).toBe(2);
  });
});

describe('stream and whole answer agree', () => {
  const block = fc.oneof(
    fc.record({ type: fc.constant('text' as const), text: fc.string({ minLength: 1, maxLength: 30 }) }),
    fc.record({ type: fc.constant('tool_use' as const), id: fc.stringMatching(/^toolu_[a-z0-9]{4}$/), name: fc.stringMatching(/^[a-z_]{1,8}$/),
      input: fc.dictionary(fc.stringMatching(/^[a-z]{1,5}$/), fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean()), { maxKeys: 3 }) }),
  );

  /** The events the Messages API sends for a message, text and JSON cut into pieces of `size`. */
  function toEvents(content: Array<Json & { type: string }>, stopReason: string, size: number): string {
    const cut = (s: string) => Array.from({ length: Math.ceil(s.length / size) }, (_, i) => s.slice(i * size, (i + 1) * size));
    let out = ev('message_start', { message: { id: 'msg_p', model: 'claude-x', content: [], usage: { input_tokens: 7, output_tokens: 1 } } });
    content.forEach((b, index) => {
      out += ev('content_block_start', { index, content_block: b.type === 'text' ? { type: 'text', text: '' } : { ...b, input: {} } });
      const deltas = b.type === 'text' ? cut(b.text as string).map((text) => ({ type: 'text_delta', text }))
        : cut(Object.keys(b.input as Json).length ? JSON.stringify(b.input) : '').map((partial_json) => ({ type: 'input_json_delta', partial_json }));
      for (const delta of deltas) out += ev('content_block_delta', { index, delta });
      out += ev('content_block_stop', { index });
    });
    return out + ev('message_delta', { delta: { stop_reason: stopReason }, usage: { output_tokens: 9 } }) + ev('message_stop', {});
  }

  it('the streamed chunks, reassembled, equal the translated whole message', () => {
    fc.assert(fc.property(fc.array(block, { minLength: 1, maxLength: 4 }), fc.constantFrom('end_turn', 'tool_use', 'max_tokens'), fc.integer({ min: 1, max: 7 }),
      (content, stopReason, size) => {
        const whole = translateMessage({ id: 'msg_p', model: 'claude-x', content, stop_reason: stopReason, usage: { input_tokens: 7, output_tokens: 9 } }, 'm', 0);
        const acc = new ChatStreamAccumulator(false);
        acc.push(Buffer.from(translate(toEvents(content, stopReason, size))));
        const streamed = acc.toCompletion();
        const w = (whole.choices as Json[])[0]!;
        const s = (streamed.choices as Json[])[0]!;
        expect(s.finish_reason).toBe(w.finish_reason);
        const wm = w.message as Json;
        const sm = s.message as Json;
        expect(sm.content).toBe(wm.content);
        const calls = (m: Json) => ((m.tool_calls ?? []) as Json[]).map((c) => ({ id: c.id, fn: (c.function as Json).name, args: JSON.parse((c.function as Json).arguments as string) as unknown }));
        expect(calls(sm)).toEqual(calls(wm));
        expect(streamed.usage).toEqual(whole.usage);
      }), { seed: 11, numRuns: 150 });
  });
});
