type Json = Record<string, unknown>;

const frame = (obj: unknown) => `data: ${JSON.stringify(obj)}\n\n`;

/** A cached chat.completion replayed as the chunk stream OpenAI would have sent. */
export function replayChatCompletion(completion: Json, includeUsage: boolean): string {
  const base = {
    id: completion.id, object: 'chat.completion.chunk', created: completion.created, model: completion.model,
    system_fingerprint: completion.system_fingerprint ?? null,
  };
  const usageField = includeUsage ? { usage: null } : {};
  const chunk = (index: number, delta: Json, finish: unknown = null) =>
    frame({ ...base, choices: [{ index, delta, logprobs: null, finish_reason: finish }], ...usageField });
  let out = '';
  const choices = Array.isArray(completion.choices) ? (completion.choices as Json[]) : [];
  for (const c of choices) {
    const index = typeof c.index === 'number' ? c.index : 0;
    const msg = (c.message ?? {}) as Json;
    out += chunk(index, { role: msg.role ?? 'assistant', content: '', refusal: null });
    if (typeof msg.reasoning_content === 'string' && msg.reasoning_content.length > 0) out += chunk(index, { reasoning_content: msg.reasoning_content });
    if (Array.isArray(msg.thinking_blocks) && msg.thinking_blocks.length > 0) out += chunk(index, { thinking_blocks: msg.thinking_blocks });
    if (typeof msg.content === 'string' && msg.content.length > 0) out += chunk(index, { content: msg.content });
    if (typeof msg.refusal === 'string') out += chunk(index, { refusal: msg.refusal });
    const calls = Array.isArray(msg.tool_calls) ? (msg.tool_calls as Json[]) : [];
    calls.forEach((tc, i) => {
      const fn = (tc.function ?? {}) as Json;
      out += chunk(index, { tool_calls: [{ index: i, id: tc.id, type: tc.type ?? 'function', function: { name: fn.name, arguments: '' } }] });
      out += chunk(index, { tool_calls: [{ index: i, function: { arguments: fn.arguments ?? '' } }] });
    });
    out += chunk(index, {}, c.finish_reason ?? 'stop');
  }
  if (includeUsage && completion.usage) out += frame({ ...base, choices: [], usage: completion.usage });
  return out + 'data: [DONE]\n\n';
}

/** A cached Responses API object replayed as the event stream the API emits. */
export function replayResponse(response: Json): string {
  let seq = 0;
  const ev = (type: string, payload: Json) => `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...payload })}\n\n`;
  const output = Array.isArray(response.output) ? (response.output as Json[]) : [];
  let out = ev('response.created', { response: { ...response, status: 'in_progress', output: [], usage: null } });
  out += ev('response.in_progress', { response: { ...response, status: 'in_progress', output: [], usage: null } });
  output.forEach((item, outputIndex) => {
    const itemId = item.id;
    if (item.type === 'message') {
      out += ev('response.output_item.added', { output_index: outputIndex, item: { ...item, status: 'in_progress', content: [] } });
      const parts = Array.isArray(item.content) ? (item.content as Json[]) : [];
      parts.forEach((part, contentIndex) => {
        const at = { item_id: itemId, output_index: outputIndex, content_index: contentIndex };
        out += ev('response.content_part.added', { ...at, part: { ...part, text: '' } });
        if (part.type === 'output_text') {
          out += ev('response.output_text.delta', { ...at, delta: part.text, logprobs: [] });
          out += ev('response.output_text.done', { ...at, text: part.text, logprobs: [] });
        }
        out += ev('response.content_part.done', { ...at, part });
      });
    } else {
      out += ev('response.output_item.added', { output_index: outputIndex, item: { ...item, status: 'in_progress' } });
      if (item.type === 'function_call') {
        out += ev('response.function_call_arguments.delta', { item_id: itemId, output_index: outputIndex, delta: item.arguments });
        out += ev('response.function_call_arguments.done', { item_id: itemId, output_index: outputIndex, arguments: item.arguments });
      }
    }
    out += ev('response.output_item.done', { output_index: outputIndex, item });
  });
  return out + ev('response.completed', { response });
}
