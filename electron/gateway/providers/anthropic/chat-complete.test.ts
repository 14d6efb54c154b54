import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../errors';
import { buildMessagesBody, FALLBACK_MAX_TOKENS, toFinishReason, toOpenAIUsage, translateMessage } from './chat-complete';
import { JSON_TOOL } from './json-mode';

type Json = Record<string, unknown>;

const build = (body: Json, maxOutput: number | null = 64000, stream = false) => buildMessagesBody(body, 'claude-sonnet-4-5', stream, maxOutput);

function refusal(fn: () => unknown): GatewayError {
  try { fn(); } catch (err) { if (err instanceof GatewayError) return err; throw err; }
  throw new Error('expected a GatewayError');
}

describe('request translation', () => {
  it('lifts system and developer messages into system, wherever they are', () => {
    const out = build({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hi' },
        { role: 'developer', content: [{ type: 'text', text: 'Use metric units.' }] },
      ],
    });
    expect(out.system).toEqual([{ type: 'text', text: 'Be brief.' }, { type: 'text', text: 'Use metric units.' }]);
    expect(out.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'hi' }] }]);
  });

  it('uses the client max_tokens, then max_completion_tokens, else the model output limit, else a fallback', () => {
    const messages = [{ role: 'user', content: 'hi' }];
    expect(build({ messages, max_tokens: 50 }).max_tokens).toBe(50);
    expect(build({ messages, max_completion_tokens: 70, max_tokens: 50 }).max_tokens).toBe(70);
    expect(build({ messages }, 32000).max_tokens).toBe(32000);
    expect(build({ messages }, null).max_tokens).toBe(FALLBACK_MAX_TOKENS);
    expect(refusal(() => build({ messages, max_tokens: 0 })).param).toBe('max_tokens');
  });

  it('maps stop, temperature, top_p, user and stream', () => {
    const out = build({ messages: [{ role: 'user', content: 'hi' }], stop: 'END', temperature: 0.2, top_p: 0.9, user: 'u-42' }, 64000, true);
    expect(out).toMatchObject({ stop_sequences: ['END'], temperature: 0.2, top_p: 0.9, metadata: { user_id: 'u-42' }, stream: true });
    expect(build({ messages: [{ role: 'user', content: 'hi' }], stop: ['a', ' '] }).stop_sequences).toEqual(['a']);
    expect(build({ messages: [{ role: 'user', content: 'hi' }] })).not.toHaveProperty('stream');
  });

  it('turns tools and tool_choice into Anthropic form', () => {
    const tools = [{ type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];
    const messages = [{ role: 'user', content: 'hi' }];
    const out = build({ messages, tools, tool_choice: 'required', parallel_tool_calls: false });
    expect(out.tools).toEqual([{ name: 'get_weather', description: 'Weather', input_schema: tools[0]!.function.parameters }]);
    expect(out.tool_choice).toEqual({ type: 'any', disable_parallel_tool_use: true });
    expect(build({ messages, tools, tool_choice: { type: 'function', function: { name: 'get_weather' } } }).tool_choice).toEqual({ type: 'tool', name: 'get_weather' });
    expect(build({ messages, tools, tool_choice: 'none' }).tool_choice).toEqual({ type: 'none' });
    expect(build({ messages, tools: [{ type: 'function', function: { name: 'noop' } }] }).tools).toEqual([{ name: 'noop', input_schema: { type: 'object', properties: {} } }]);
    expect(refusal(() => build({ messages, tools: [{ type: 'code_interpreter' }] })).param).toBe('tools[0]');
  });

  it('turns an assistant tool call and the tool result into tool_use and tool_result blocks', () => {
    const out = build({
      messages: [
        { role: 'user', content: 'weather in Paris and Rome?' },
        { role: 'assistant', content: null, tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          { id: 'call_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
        ] },
        { role: 'tool', tool_call_id: 'call_1', content: '18C' },
        { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: '24C' }] },
        { role: 'user', content: 'thanks, and?' },
      ],
    });
    expect(out.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'weather in Paris and Rome?' }] },
      { role: 'assistant', content: [
        { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
        { type: 'tool_use', id: 'call_2', name: 'get_weather', input: { city: 'Rome' } },
      ] },
      { role: 'user', content: [
        { type: 'tool_result', tool_use_id: 'call_1', content: [{ type: 'text', text: '18C' }] },
        { type: 'tool_result', tool_use_id: 'call_2', content: [{ type: 'text', text: '24C' }] },
        { type: 'text', text: 'thanks, and?' },
      ] },
    ]);
  });

  it('declares the tools of the history, uncallable, when a follow-up call sends no tools', () => {
    const out = build({ messages: [
      { role: 'user', content: 'weather?' },
      { role: 'assistant', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
    ] });
    expect(out.tools).toEqual([{ name: 'get_weather', input_schema: { type: 'object' } }]);
    expect(out.tool_choice).toEqual({ type: 'none' });
    expect(build({ messages: [{ role: 'user', content: 'hi' }], tool_choice: 'auto' })).not.toHaveProperty('tool_choice');
  });

  it('turns data-URL and https images into image blocks and refuses other media', () => {
    const out = build({ messages: [{ role: 'user', content: [
      { type: 'text', text: 'what is this?' },
      { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
      { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg', detail: 'low' } },
    ] }] });
    expect((out.messages as Json[])[0]!.content).toEqual([
      { type: 'text', text: 'what is this?' },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
      { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
    ]);
    const bmp = refusal(() => build({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/bmp;base64,AA==' } }] }] }));
    expect(bmp.message).toContain('image/bmp');
    expect(refusal(() => build({ messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: {} }] }] })).param).toBe('messages[0].content[0]');
  });

  it('keeps cache_control markers so clients can use Anthropic prompt caching', () => {
    const out = build({ messages: [{ role: 'system', content: [{ type: 'text', text: 'long', cache_control: { type: 'ephemeral' } }] }, { role: 'user', content: 'hi' }] });
    expect(out.system).toEqual([{ type: 'text', text: 'long', cache_control: { type: 'ephemeral' } }]);
  });

  it('refuses what Anthropic cannot do with a message naming the parameter', () => {
    const messages = [{ role: 'user', content: 'hi' }];
    expect(refusal(() => build({ messages, n: 2 })).param).toBe('n');
    expect(refusal(() => build({ messages, temperature: 1.5 })).message).toContain('0 to 1');
    expect(refusal(() => build({ messages, response_format: { type: 'json_object' }, tools: [{ type: 'function', function: { name: 'f' } }] })).param).toBe('response_format');
    expect(refusal(() => build({ messages, response_format: { type: 'json_schema', json_schema: { name: 'a', schema: { type: 'array' } } } })).message).toContain('"type": "object"');
    expect(refusal(() => build({ messages: [{ role: 'system', content: 'only a system prompt' }] })).param).toBe('messages');
    expect(refusal(() => build({ messages: [{ role: 'function', content: 'x' }] })).param).toBe('messages[0].role');
    const badArgs = refusal(() => build({ messages: [{ role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{oops' } }] }] }));
    expect(badArgs.param).toBe('messages[0].tool_calls[0].function.arguments');
    expect(refusal(() => build({ messages: 'hi' })).status).toBe(400);
  });

  it('never throws anything but a 400 GatewayError on arbitrary message input, and output roles alternate', () => {
    const part = fc.oneof(
      { arbitrary: fc.record({ type: fc.constant('text'), text: fc.string({ maxLength: 5 }) }), weight: 8 },
      { arbitrary: fc.record({ type: fc.constantFrom('image_url', 'input_audio', 'bogus'), image_url: fc.anything() }), weight: 1 },
      { arbitrary: fc.anything(), weight: 1 },
    );
    const message = fc.record({
      role: fc.oneof({ arbitrary: fc.constantFrom('system', 'developer', 'user', 'assistant', 'tool'), weight: 9 }, { arbitrary: fc.constantFrom('function', 7), weight: 1 }),
      content: fc.oneof(fc.string({ maxLength: 5 }), fc.array(part, { maxLength: 3 }), fc.constant(null)),
      tool_call_id: fc.option(fc.string({ maxLength: 3 })),
      tool_calls: fc.option(fc.array(fc.record({ id: fc.string({ maxLength: 3 }), type: fc.constant('function'),
        function: fc.record({ name: fc.string({ maxLength: 3 }), arguments: fc.constantFrom('{}', '{"a":1}', '', '[1]', 'x') }) }), { maxLength: 2 })),
    }, { requiredKeys: ['role'] });
    let translated = 0;
    fc.assert(fc.property(fc.array(message, { maxLength: 6 }), (messages) => {
      let out: Json;
      try { out = build({ messages }); } catch (err) {
        expect(err).toBeInstanceOf(GatewayError);
        expect((err as GatewayError).status).toBe(400);
        return;
      }
      const turns = out.messages as Array<{ role: string; content: Json[] }>;
      for (let i = 1; i < turns.length; i++) expect(turns[i]!.role).not.toBe(turns[i - 1]!.role);
      for (const t of turns) {
        expect(t.content.length).toBeGreaterThan(0);
        const firstOther = t.content.findIndex((b) => b.type !== 'tool_result');
        if (firstOther >= 0) expect(t.content.slice(firstOther).some((b) => b.type === 'tool_result')).toBe(false);
      }
      translated++;
    }), { seed: 42, numRuns: 300 });
    // the property must also have seen inputs that translate, not only refusals
    expect(translated).toBeGreaterThan(30);
  });
});

describe('extended thinking', () => {
  const ask = { messages: [{ role: 'user', content: 'think' }] };
  it('turns reasoning_effort into a thinking budget below max_tokens, or passes Anthropic\'s own thinking through', () => {
    expect(build({ ...ask, reasoning_effort: 'high' }).thinking).toEqual({ type: 'enabled', budget_tokens: 4096 });
    expect(build({ ...ask, reasoning_effort: 'medium', max_tokens: 2000 }).thinking).toEqual({ type: 'enabled', budget_tokens: 1999 });
    expect(build({ ...ask, thinking: { type: 'enabled', budget_tokens: 3000 }, temperature: 1 }).thinking).toEqual({ type: 'enabled', budget_tokens: 3000 });
    expect(build({ ...ask, thinking: { type: 'disabled' } }).thinking).toBeUndefined();
    expect(build(ask).thinking).toBeUndefined();
  });

  it('refuses, in OpenAI\'s shape and naming the parameter, what Anthropic refuses with thinking on', () => {
    const refused: Array<[Json, string]> = [
      [{ reasoning_effort: 'extreme' }, 'reasoning_effort'],
      [{ reasoning_effort: 'constructor' }, 'reasoning_effort'], // a name Object.prototype has, not a level
      [{ reasoning_effort: 'low', max_tokens: 1000 }, 'max_tokens'],
      [{ reasoning_effort: 'low', temperature: 0 }, 'temperature'],
      [{ reasoning_effort: 'low', top_k: 5 }, 'top_k'],
      [{ reasoning_effort: 'low', top_p: 0.5 }, 'top_p'],
      [{ reasoning_effort: 'low', tools: [{ type: 'function', function: { name: 'f', parameters: {} } }], tool_choice: 'required' }, 'tool_choice'],
      [{ thinking: { type: 'enabled', budget_tokens: 100 } }, 'thinking.budget_tokens'],
    ];
    for (const [extra, param] of refused) {
      expect(() => build({ ...ask, ...extra }), param).toThrow(expect.objectContaining({ status: 400, param }));
    }
  });

  it('sends an assistant turn\'s thinking_blocks back first, signature and all', () => {
    const out = build({ reasoning_effort: 'low', tools: [{ type: 'function', function: { name: 'f', parameters: {} } }], messages: [
      { role: 'user', content: 'weather?' },
      { role: 'assistant', content: null, thinking_blocks: [{ type: 'thinking', thinking: 'use f', signature: 'sig' }],
        tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'toolu_1', content: 'sunny' },
    ] });
    expect((out.messages as Json[])[1]).toEqual({ role: 'assistant', content: [
      { type: 'thinking', thinking: 'use f', signature: 'sig' }, { type: 'tool_use', id: 'toolu_1', name: 'f', input: {} },
    ] });
    expect(() => build({ messages: [{ role: 'user', content: 'x' }, { role: 'assistant', content: 'y', thinking_blocks: [{ type: 'thinking' }] }] }))
      .toThrow(expect.objectContaining({ param: 'messages[1].thinking_blocks[0]' }));
  });
});

describe('response_format as a forced tool', () => {
  const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };

  it('asks for the schema as one forced tool', () => {
    const out = build({ messages: [{ role: 'user', content: 'hi' }], response_format: { type: 'json_schema', json_schema: { name: 'place', schema, strict: true } } });
    expect(out.tools).toEqual([{ name: JSON_TOOL, description: 'Give the answer as this JSON object.', input_schema: schema }]);
    expect(out.tool_choice).toEqual({ type: 'tool', name: JSON_TOOL });
    expect(build({ messages: [{ role: 'user', content: 'hi' }], response_format: { type: 'json_object' } }).tools).toEqual([
      { name: JSON_TOOL, description: 'Give the answer as this JSON object.', input_schema: { type: 'object' } }]);
    expect(build({ messages: [{ role: 'user', content: 'hi' }], response_format: { type: 'text' } })).not.toHaveProperty('tools');
  });

  it('gives the tool input back as the content, finished with stop', () => {
    const out = translateMessage({ content: [{ type: 'tool_use', id: 't', name: JSON_TOOL, input: { city: 'Oslo' } }], stop_reason: 'tool_use' }, 'm', 0);
    expect((out.choices as Json[])[0]).toEqual({ index: 0, logprobs: null, finish_reason: 'stop', message: { role: 'assistant', content: '{"city":"Oslo"}', refusal: null } });
  });
});

describe('answer translation', () => {
  it('joins text, turns tool_use into tool_calls, thinking into reasoning_content, and maps stop reasons', () => {
    const out = translateMessage({
      id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5-20250929',
      content: [
        { type: 'thinking', thinking: 'hmm', signature: 's' },
        { type: 'text', text: 'Let me check.' },
        { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
      ],
      stop_reason: 'tool_use', stop_sequence: null,
      usage: { input_tokens: 100, cache_read_input_tokens: 1000, cache_creation_input_tokens: 50, output_tokens: 20 },
    }, 'claude-sonnet-4-5', 1700000000);
    expect(out).toMatchObject({ id: 'msg_1', object: 'chat.completion', created: 1700000000, model: 'claude-sonnet-4-5-20250929' });
    expect(out.choices).toEqual([{ index: 0, logprobs: null, finish_reason: 'tool_calls', message: {
      role: 'assistant', content: 'Let me check.', refusal: null,
      tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
      // thinking: its text for reading, its blocks (signature included) to send back in the tool-result turn
      reasoning_content: 'hmm', thinking_blocks: [{ type: 'thinking', thinking: 'hmm', signature: 's' }],
    } }]);
    expect(out.usage).toMatchObject({ prompt_tokens: 1150, completion_tokens: 20, total_tokens: 1170, prompt_tokens_details: { cached_tokens: 1000 } });
  });

  it('gives null content for a tool-only answer', () => {
    const out = translateMessage({ content: [{ type: 'tool_use', id: 't', name: 'f', input: {} }], stop_reason: 'tool_use' }, 'claude-haiku-4-5', 0);
    expect((out.choices as Json[])[0]).toMatchObject({ message: { content: null, tool_calls: [{ function: { arguments: '{}' } }] } });
    expect(out.model).toBe('claude-haiku-4-5');
  });

  it('maps every stop reason', () => {
    expect(['end_turn', 'stop_sequence', 'max_tokens', 'tool_use', 'refusal', 'pause_turn', 'model_context_window_exceeded'].map(toFinishReason))
      .toEqual(['stop', 'stop', 'length', 'tool_calls', 'content_filter', 'stop', 'length']);
    expect(toFinishReason(null)).toBeNull();
    expect(toFinishReason('toString')).toBe('stop');
  });

  it('usage: prompt tokens are input plus both cache buckets, cached tokens are the reads', () => {
    fc.assert(fc.property(fc.nat(1e6), fc.nat(1e6), fc.nat(1e6), fc.nat(1e6), (input, read, written, output) => {
      const u = toOpenAIUsage({ input_tokens: input, cache_read_input_tokens: read, cache_creation_input_tokens: written, output_tokens: output })!;
      expect(u.prompt_tokens).toBe(input + read + written);
      expect(u.total_tokens).toBe(input + read + written + output);
      expect((u.prompt_tokens_details as Json).cached_tokens).toBe(read);
    }), { seed: 7, numRuns: 100 });
  });
});
