import { describe, expect, it } from 'vitest';
import { createSseParser, type SseMessage } from './sse-parser';

function parseAll(chunks: string[]): { messages: SseMessage[]; retries: number[]; comments: string[] } {
  const messages: SseMessage[] = [];
  const retries: number[] = [];
  const comments: string[] = [];
  const parser = createSseParser({
    onMessage: (message) => messages.push(message),
    onRetry: (ms) => retries.push(ms),
    onComment: (text) => comments.push(text),
  });
  for (const chunk of chunks) parser.push(chunk);
  parser.end();
  return { messages, retries, comments };
}

/** Every way of cutting `text` into two chunks gives the same result as one chunk. */
function expectSplitInvariant(text: string): SseMessage[] {
  const whole = parseAll([text]).messages;
  for (let cut = 0; cut <= text.length; cut++) {
    expect(parseAll([text.slice(0, cut), text.slice(cut)]).messages).toEqual(whole);
  }
  expect(parseAll([...text]).messages).toEqual(whole);
  return whole;
}

describe('createSseParser', () => {
  it('dispatches data on a blank line', () => {
    const { messages } = parseAll(['data: {"type":"hello","ts":1}\n\n']);
    expect(messages).toEqual([{ event: 'message', data: '{"type":"hello","ts":1}', id: '' }]);
  });

  it('joins multi-line data and keeps event and id fields', () => {
    const { messages } = parseAll(['event: trace\nid: 7\ndata: a\ndata:b\n\ndata: c\n\n']);
    expect(messages).toEqual([
      { event: 'trace', data: 'a\nb', id: '7' },
      { event: 'message', data: 'c', id: '7' },
    ]);
  });

  it('accepts LF, CRLF and CR line endings, split anywhere', () => {
    const expected = [
      { event: 'message', data: 'one', id: '' },
      { event: 'message', data: 'two', id: '' },
      { event: 'message', data: 'three', id: '' },
    ];
    expect(expectSplitInvariant('data: one\n\ndata: two\r\n\r\ndata: three\r\r')).toEqual(expected);
  });

  it('reports comments (heartbeats) and retry, and ignores unknown fields', () => {
    const { messages, retries, comments } = parseAll([': heartbeat\nretry: 2500\nretry: soon\nfoo: bar\n\n']);
    expect(messages).toEqual([]);
    expect(retries).toEqual([2500]);
    expect(comments).toEqual(['heartbeat']);
  });

  it('strips only one leading space and a leading BOM', () => {
    const { messages } = parseAll(['\uFEFFdata:  two spaces\n\n']);
    expect(messages[0]?.data).toBe(' two spaces');
  });

  it('drops an event the stream ended in the middle of', () => {
    const { messages } = parseAll(['data: complete\n\ndata: cut off']);
    expect(messages.map((m) => m.data)).toEqual(['complete']);
  });

  it('dispatches nothing for an event with no data lines', () => {
    const { messages } = parseAll(['event: ping\n\n']);
    expect(messages).toEqual([]);
  });
});
