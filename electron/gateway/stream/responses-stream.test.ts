import { describe, expect, it } from 'vitest';
import { ResponsesStreamAccumulator } from './responses-stream';
import { replayResponse } from './sse-replay';

const response = {
  id: 'resp_1', object: 'response', created_at: 1, status: 'completed', model: 'gpt-4o-mini',
  output: [
    { type: 'message', id: 'msg_1', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'Hello there', annotations: [] }] },
    { type: 'function_call', id: 'fc_1', call_id: 'call_1', name: 'lookup', arguments: '{"q":"x"}', status: 'completed' },
  ],
  usage: { input_tokens: 5, input_tokens_details: { cached_tokens: 0 }, output_tokens: 3, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 8 },
};

describe('Responses API streams', () => {
  it('a replayed response reads back as the same completed response', () => {
    const sse = replayResponse(response);
    const acc = new ResponsesStreamAccumulator();
    const bytes = Buffer.from(sse);
    for (let i = 0; i < bytes.length; i += 37) acc.push(bytes.subarray(i, i + 37));
    expect(acc.complete).toBe(true);
    expect(acc.response).toEqual(response);
    expect(acc.usage).toEqual(response.usage);
    expect(acc.text()).toBe('Hello there');
  });

  it('numbers events in order and names each one', () => {
    const events = replayResponse(response).trim().split('\n\n');
    const parsed = events.map((e) => {
      const [eventLine, dataLine] = e.split('\n');
      const data = JSON.parse(dataLine!.slice(6)) as { type: string; sequence_number: number };
      expect(eventLine).toBe(`event: ${data.type}`);
      return data;
    });
    expect(parsed.map((p) => p.sequence_number)).toEqual(parsed.map((_, i) => i));
    expect(parsed[0]!.type).toBe('response.created');
    expect(parsed.at(-1)!.type).toBe('response.completed');
    expect(parsed.map((p) => p.type)).toContain('response.function_call_arguments.done');
  });

  it('records a failed response as an error', () => {
    const acc = new ResponsesStreamAccumulator();
    acc.push(Buffer.from(`event: response.failed\ndata: ${JSON.stringify({ type: 'response.failed', response: { ...response, status: 'failed', error: { message: 'boom' } } })}\n\n`));
    expect(acc.complete).toBe(false);
    expect(acc.error).toEqual({ message: 'boom' });
  });
});
