import { describe, expect, it } from 'vitest';
import { ChatStreamAccumulator } from './chat-stream';
import { replayChatCompletion } from './sse-replay';

const chunk = (delta: object, finish: string | null = null, extra: object = {}) =>
  `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o', choices: [{ index: 0, delta, finish_reason: finish }], usage: null, ...extra })}\n\n`;
const usageChunk = `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o', choices: [], usage: { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 } })}\n\n`;
const DONE = 'data: [DONE]\n\n';

function feed(acc: ChatStreamAccumulator, text: string, pieces: number[]): string {
  let out = '';
  let at = 0;
  for (const size of [...pieces, text.length]) {
    const part = text.slice(at, at + size);
    at += part.length;
    if (part) out += acc.push(Buffer.from(part)).toString();
  }
  return out;
}

describe('ChatStreamAccumulator', () => {
  const stream = chunk({ role: 'assistant', content: '' }) + chunk({ content: 'Hel' }) + chunk({ content: 'lo' }) + chunk({}, 'stop') + usageChunk + DONE;

  it('rebuilds content, finish reason and usage, across arbitrary chunk boundaries', () => {
    for (const pieces of [[], [5, 17, 3, 100], [1, 1, 1, 1, 1, 1, 1]]) {
      const acc = new ChatStreamAccumulator(false);
      const out = feed(acc, stream, pieces);
      expect(out).toBe(stream); // nothing hidden: bytes pass untouched
      expect(acc.complete).toBe(true);
      const c = acc.toCompletion() as { choices: Array<{ message: { content: string }; finish_reason: string }>; usage: unknown };
      expect(c.choices[0]!.message.content).toBe('Hello');
      expect(c.choices[0]!.finish_reason).toBe('stop');
      expect(c.usage).toEqual({ prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 });
    }
  });

  it('hides only the usage-only chunk when the client did not ask for usage', () => {
    const acc = new ChatStreamAccumulator(true);
    const out = feed(acc, stream, [7, 30, 2]);
    expect(out).toBe(stream.replace(usageChunk, ''));
    expect(acc.usage).toEqual({ prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 });
  });

  it('reassembles streamed tool calls', () => {
    const s = chunk({ role: 'assistant', content: null, tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '' } }] })
      + chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] })
      + chunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] })
      + chunk({}, 'tool_calls') + DONE;
    const acc = new ChatStreamAccumulator(false);
    feed(acc, s, [13]);
    const msg = (acc.toCompletion() as { choices: Array<{ message: Record<string, unknown> }> }).choices[0]!.message;
    expect(msg.content).toBeNull();
    expect(msg.tool_calls).toEqual([{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }]);
    expect(acc.complete).toBe(true);
  });

  it('is incomplete without [DONE] or a finish reason, and counts malformed events', () => {
    const acc = new ChatStreamAccumulator(false);
    acc.push(Buffer.from(chunk({ content: 'Hi' }) + 'data: {oops\n\n'));
    expect(acc.complete).toBe(false);
    expect(acc.malformed).toBe(1);
  });

  it('handles multi-byte characters split between chunks', () => {
    const s = chunk({ content: 'héllo ✓' }) + chunk({}, 'stop') + DONE;
    const bytes = Buffer.from(s);
    const acc = new ChatStreamAccumulator(false);
    const split = bytes.indexOf(Buffer.from('✓')) + 1;
    acc.push(bytes.subarray(0, split));
    acc.push(bytes.subarray(split));
    expect(acc.text()).toBe('héllo ✓');
  });
});

describe('replayChatCompletion', () => {
  it('replays a stored completion as a stream that accumulates back to the same message', () => {
    const completion = {
      id: 'c9', object: 'chat.completion', created: 5, model: 'gpt-4o', system_fingerprint: 'fp',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hi there', refusal: null }, logprobs: null, finish_reason: 'stop' }],
      usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
    };
    for (const includeUsage of [true, false]) {
      const acc = new ChatStreamAccumulator(false);
      acc.push(Buffer.from(replayChatCompletion(completion, includeUsage)));
      expect(acc.complete).toBe(true);
      const back = acc.toCompletion() as typeof completion;
      expect(back.choices[0]!.message.content).toBe('Hi there');
      expect(back.usage).toEqual(includeUsage ? completion.usage : null);
    }
  });
});
