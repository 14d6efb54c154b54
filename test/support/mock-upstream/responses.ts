import { preamble, sendCutJson, sseEvent, streamFrames, streamMode, type Frame } from './behaviour.js';
import { missingParamError, nowSeconds, pieces, RATE_LIMIT_OK_HEADERS, sendError, sendJson } from './http.js';
import { applyUsageOverride, contentText, estimateTokens, responsesUsage } from './usage.js';
import type { Ctx } from './types.js';

function inputContents(input: unknown): unknown[] {
  if (typeof input === 'string') return [input];
  if (!Array.isArray(input)) return [];
  return input.map((item: any) => item?.content ?? item?.output ?? '');
}

function lastUserText(input: unknown): string {
  if (typeof input === 'string') return input;
  if (!Array.isArray(input)) return '';
  for (let i = input.length - 1; i >= 0; i--) {
    const item: any = input[i];
    if (item?.role === 'user') return contentText(item.content);
  }
  return '';
}

export async function handleResponses(ctx: Ctx): Promise<void> {
  const body = ctx.body;
  if (typeof body?.model !== 'string' || body.model === '') {
    sendError(ctx, 400, missingParamError('model'));
    return;
  }
  if (typeof body.input !== 'string' && !Array.isArray(body.input)) {
    sendError(ctx, 400, missingParamError('input'));
    return;
  }
  const model: string = body.model;
  const stream = body.stream === true;
  if (await preamble(ctx, model, stream)) return;

  const mode = streamMode(model);
  const text = stream && mode.pieces ? mode.pieces.join('') : `Echo: ${lastUserText(body.input)}`;
  const tokens = applyUsageOverride(ctx, estimateTokens(inputContents(body.input), text));
  const n = ctx.nextId();
  const respId = `resp_mock${n}`;
  const msgId = `msg_mock${n}`;
  const createdAt = nowSeconds();

  const shell = (status: 'in_progress' | 'completed', output: unknown[], usage: unknown) => ({
    id: respId,
    object: 'response',
    created_at: createdAt,
    status,
    background: false,
    error: null,
    incomplete_details: null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    model,
    output,
    parallel_tool_calls: true,
    previous_response_id: body.previous_response_id ?? null,
    reasoning: { effort: null, summary: null },
    store: body.store ?? true,
    temperature: body.temperature ?? 1,
    text: { format: { type: 'text' } },
    tool_choice: 'auto',
    tools: [],
    top_p: body.top_p ?? 1,
    truncation: 'disabled',
    usage,
    user: null,
    metadata: body.metadata ?? {},
  });
  const part = (t: string) => ({ type: 'output_text', annotations: [], logprobs: [], text: t });
  const message = (status: 'in_progress' | 'completed', content: unknown[]) => ({
    id: msgId,
    type: 'message',
    status,
    content,
    role: 'assistant',
  });
  const completed = shell('completed', [message('completed', [part(text)])], responsesUsage(tokens));

  if (!stream) {
    if (mode.cut) await sendCutJson(ctx, completed, mode.cut.then);
    else sendJson(ctx, 200, completed, RATE_LIMIT_OK_HEADERS);
    return;
  }

  let seq = 0;
  const ev = (type: string, fields: Record<string, unknown>, content = false): Frame => ({
    text: sseEvent(type, { type, sequence_number: seq++, ...fields }),
    content,
  });
  const loc = { item_id: msgId, output_index: 0, content_index: 0 };
  const frames: Frame[] = [
    ev('response.created', { response: shell('in_progress', [], null) }),
    ev('response.in_progress', { response: shell('in_progress', [], null) }),
    ev('response.output_item.added', { output_index: 0, item: message('in_progress', []) }),
    ev('response.content_part.added', { ...loc, part: part('') }),
  ];
  for (const delta of mode.pieces ?? pieces(text)) {
    frames.push(ev('response.output_text.delta', { ...loc, delta, logprobs: [] }, true));
  }
  frames.push(
    ev('response.output_text.done', { ...loc, text, logprobs: [] }),
    ev('response.content_part.done', { ...loc, part: part(text) }),
    ev('response.output_item.done', { output_index: 0, item: message('completed', [part(text)]) }),
    ev('response.completed', { response: completed }),
  );
  await streamFrames(ctx, frames, mode);
}

