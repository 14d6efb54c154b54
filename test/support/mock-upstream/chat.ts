import { preamble, sendCutJson, sseData, streamFrames, streamMode, type Frame } from './behaviour.js';
import { errorBody, headerValue, missingParamError, nowSeconds, pieces, RATE_LIMIT_OK_HEADERS, sendError, sendJson } from './http.js';
import { applyUsageOverride, chatUsage, contentText, estimateTokens } from './usage.js';
import type { Ctx } from './types.js';

interface ToolCall {
  id: string;
  name: string;
  arguments: string;
}

interface Answer {
  content: string | null;
  toolCall?: ToolCall;
  finishReason: 'stop' | 'tool_calls';
}

function lastUserText(messages: any[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]?.role === 'user') return contentText(messages[i].content);
  }
  return '';
}

function decideAnswer(body: any, scripted: string | undefined): Answer {
  if (scripted !== undefined) return { content: scripted, finishReason: 'stop' };
  const messages: any[] = body.messages;
  const last = messages[messages.length - 1];
  if (last?.role === 'tool') {
    return { content: `Tool said: ${contentText(last.content)}`, finishReason: 'stop' };
  }
  if (Array.isArray(body.tools) && body.tools.length > 0) {
    const tool = body.tools[0];
    const name: string = tool?.function?.name ?? tool?.name ?? 'tool';
    const args = JSON.stringify({ query: lastUserText(messages) });
    return { content: null, toolCall: { id: 'call_mock_1', name, arguments: args }, finishReason: 'tool_calls' };
  }
  return { content: `Echo: ${lastUserText(messages)}`, finishReason: 'stop' };
}

export async function handleChat(ctx: Ctx): Promise<void> {
  const body = ctx.body;
  if (typeof body?.model !== 'string' || body.model === '') {
    sendError(ctx, 400, errorBody('you must provide a model parameter', 'invalid_request_error'));
    return;
  }
  if (!Array.isArray(body.messages)) {
    sendError(ctx, 400, missingParamError('messages'));
    return;
  }
  const model: string = body.model;
  const stream = body.stream === true;
  if (await preamble(ctx, model, stream)) return;

  const mode = streamMode(model);
  const answer = decideAnswer(body, ctx.scriptedContent);
  if (stream && mode.pieces && answer.content !== null) answer.content = mode.pieces.join('');

  const answerText = answer.toolCall ? answer.toolCall.arguments : (answer.content ?? '');
  const tokens = applyUsageOverride(
    ctx,
    estimateTokens(body.messages.map((m: any) => m?.content), answerText),
  );
  const id = `chatcmpl-mock${ctx.nextId()}`;
  const created = nowSeconds();
  // like OpenAI answering "gpt-4o" as "gpt-4o-2024-08-06": tests pick the snapshot name
  const answeredModel = headerValue(ctx, 'x-mock-model') ?? model;
  const usage = chatUsage(tokens);

  if (stream) {
    const includeUsage = body.stream_options?.include_usage === true;
    const contentPieces = mode.pieces && !answer.toolCall ? mode.pieces : pieces(answerText);
    const frames = chatFrames({ id, created, model: answeredModel, answer, contentPieces, usage: includeUsage ? usage : undefined });
    await streamFrames(ctx, frames, mode);
    return;
  }

  const message: Record<string, unknown> = { role: 'assistant', content: answer.content, refusal: null };
  if (answer.toolCall) {
    message.tool_calls = [
      {
        id: answer.toolCall.id,
        type: 'function',
        function: { name: answer.toolCall.name, arguments: answer.toolCall.arguments },
      },
    ];
  }
  const payload = {
    id,
    object: 'chat.completion',
    created,
    model: answeredModel,
    choices: [{ index: 0, message, logprobs: null, finish_reason: answer.finishReason }],
    usage,
    system_fingerprint: 'fp_mock',
  };
  if (mode.cut) {
    await sendCutJson(ctx, payload, mode.cut.then);
    return;
  }
  sendJson(ctx, 200, payload, RATE_LIMIT_OK_HEADERS);
}

interface ChatFrameInput {
  id: string;
  created: number;
  model: string;
  answer: Answer;
  contentPieces: string[];
  usage: ReturnType<typeof chatUsage> | undefined;
}

function chatFrames(input: ChatFrameInput): Frame[] {
  const { id, created, model, answer, usage } = input;
  // With include_usage OpenAI puts `"usage": null` on every chunk, then one usage-only chunk.
  const chunk = (delta: unknown, finishReason: string | null = null) => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    system_fingerprint: 'fp_mock',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...(usage ? { usage: null } : {}),
  });
  const frames: Frame[] = [];
  const tc = answer.toolCall;
  if (tc) {
    frames.push({
      text: sseData(
        chunk({
          role: 'assistant',
          content: null,
          tool_calls: [{ index: 0, id: tc.id, type: 'function', function: { name: tc.name, arguments: '' } }],
          refusal: null,
        }),
      ),
      content: false,
    });
    for (const piece of input.contentPieces) {
      frames.push({ text: sseData(chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] })), content: true });
    }
  } else {
    frames.push({ text: sseData(chunk({ role: 'assistant', content: '', refusal: null })), content: false });
    for (const piece of input.contentPieces) {
      frames.push({ text: sseData(chunk({ content: piece })), content: true });
    }
  }
  frames.push({ text: sseData(chunk({}, answer.finishReason)), content: false });
  if (usage) {
    frames.push({
      text: sseData({ id, object: 'chat.completion.chunk', created, model, system_fingerprint: 'fp_mock', choices: [], usage }),
      content: false,
    });
  }
  frames.push({ text: 'data: [DONE]\n\n', content: false });
  return frames;
}
