import { isRecord } from '../../cost/pricing';
import { badRequest } from '../../errors';
import { toAnthropicMessages } from './content';
import { readThinking, toThinking } from './thinking';
import { JSON_TOOL, toJsonTool } from './json-mode';

type Json = Record<string, unknown>;

/** When neither the client nor the pricing table gives an output limit (an unknown model). */
export const FALLBACK_MAX_TOKENS = 4096;

function readMaxTokens(body: Json, modelMaxOutput: number | null): number {
  const given = body.max_completion_tokens ?? body.max_tokens;
  if (given === undefined || given === null) return modelMaxOutput ?? FALLBACK_MAX_TOKENS;
  if (typeof given !== 'number' || !Number.isInteger(given) || given < 1) {
    const param = body.max_completion_tokens !== undefined ? 'max_completion_tokens' : 'max_tokens';
    throw badRequest(`${param} must be a positive integer.`, param);
  }
  return given;
}

function readStop(stop: unknown): string[] | undefined {
  if (stop === undefined || stop === null) return undefined;
  const list = typeof stop === 'string' ? [stop] : stop;
  if (!Array.isArray(list) || !list.every((s) => typeof s === 'string')) throw badRequest('stop must be a string or an array of strings.', 'stop');
  // Anthropic refuses whitespace-only stop sequences
  const kept = list.filter((s) => s.trim() !== '');
  return kept.length > 0 ? kept : undefined;
}

function toTools(tools: unknown): Json[] | undefined {
  if (tools === undefined || tools === null) return undefined;
  if (!Array.isArray(tools)) throw badRequest('tools must be an array of function tools.', 'tools');
  return tools.map((tool: unknown, i) => {
    const fn = isRecord(tool) && tool.type === 'function' && isRecord(tool.function) ? tool.function : null;
    if (!fn || typeof fn.name !== 'string') {
      throw badRequest(`tools[${i}] must be {"type":"function","function":{"name":...}}; Anthropic models take function tools only.`, `tools[${i}]`);
    }
    const schema = isRecord(fn.parameters) ? fn.parameters : { type: 'object', properties: {} };
    const out: Json = { name: fn.name, input_schema: schema };
    if (typeof fn.description === 'string') out.description = fn.description;
    if (isRecord(tool) && isRecord(tool.cache_control)) out.cache_control = tool.cache_control;
    return out;
  });
}

function toToolChoice(choice: unknown, parallel: unknown): Json | undefined {
  let out: Json | undefined;
  if (choice === 'auto') out = { type: 'auto' };
  else if (choice === 'required') out = { type: 'any' };
  else if (choice === 'none') out = { type: 'none' };
  else if (isRecord(choice) && choice.type === 'function' && isRecord(choice.function) && typeof choice.function.name === 'string') {
    out = { type: 'tool', name: choice.function.name };
  } else if (choice !== undefined && choice !== null) {
    throw badRequest('tool_choice must be "auto", "required", "none" or {"type":"function","function":{"name":...}}.', 'tool_choice');
  }
  if (parallel === false && out?.type !== 'none') out = { ...(out ?? { type: 'auto' }), disable_parallel_tool_use: true };
  return out;
}

function checkUnsupported(body: Json): void {
  if (body.n !== undefined && body.n !== null && body.n !== 1) throw badRequest('Anthropic models return one choice per request; send n: 1 (or leave it out).', 'n');
  if (body.logprobs === true) throw badRequest('Anthropic models do not return logprobs; leave logprobs out.', 'logprobs');
  if (body.audio !== undefined && body.audio !== null) throw badRequest('Anthropic models do not produce audio; leave audio out.', 'audio');
  if (body.functions !== undefined || body.function_call !== undefined) {
    throw badRequest('The legacy functions/function_call parameters are not translated for Anthropic models; use tools and tool_choice.', 'functions');
  }
  if (typeof body.temperature === 'number' && (body.temperature < 0 || body.temperature > 1)) {
    throw badRequest(`Anthropic models take temperature from 0 to 1 (OpenAI's range is 0 to 2); got ${body.temperature}.`, 'temperature');
  }
}

/**
 * An OpenAI chat.completions body → an Anthropic Messages body. `model` is the Anthropic model name;
 * `modelMaxOutput` (from the pricing table) fills max_tokens, which Anthropic requires and OpenAI does not.
 */
export function buildMessagesBody(body: Json, model: string, stream: boolean, modelMaxOutput: number | null): Json {
  checkUnsupported(body);
  const { system, messages } = toAnthropicMessages(body.messages);
  const out: Json = { model, max_tokens: readMaxTokens(body, modelMaxOutput), messages };
  if (system.length > 0) out.system = system;
  const stop = readStop(body.stop);
  if (stop) out.stop_sequences = stop;
  for (const key of ['temperature', 'top_p', 'top_k'] as const) {
    if (body[key] === undefined || body[key] === null) continue;
    if (typeof body[key] !== 'number') throw badRequest(`${key} must be a number.`, key);
    out[key] = body[key];
  }
  if (typeof body.user === 'string' && body.user !== '') out.metadata = { user_id: body.user };
  const tools = toTools(body.tools);
  const choice = toToolChoice(body.tool_choice, body.parallel_tool_calls);
  const json = toJsonTool(body.response_format, Boolean(tools?.length));
  // Anthropic refuses tool_use/tool_result blocks without tool definitions, where OpenAI takes the history as it
  // is: without tools, the history's tools are declared but may not be called, as OpenAI would behave
  const past = tools?.length ? [] : listUsedTools(messages).map((name) => ({ name, input_schema: { type: 'object' } }));
  if (json) {
    out.tools = [json.tool, ...past];
    out.tool_choice = json.choice;
  } else if (tools && tools.length > 0) {
    out.tools = tools;
    if (choice) out.tool_choice = choice;
  } else if (past.length > 0) {
    out.tools = past;
    out.tool_choice = { type: 'none' };
  }
  const forced = isRecord(out.tool_choice) && (out.tool_choice.type === 'any' || out.tool_choice.type === 'tool');
  const thinking = toThinking(body, out.max_tokens as number, forced);
  if (thinking) out.thinking = thinking;
  if (stream) out.stream = true;
  return out;
}

function listUsedTools(messages: Array<{ content: Json[] }>): string[] {
  const names = new Set<string>();
  for (const m of messages) for (const b of m.content) if (b.type === 'tool_use' && typeof b.name === 'string') names.add(b.name);
  if (names.size === 0 && messages.some((m) => m.content.some((b) => b.type === 'tool_result'))) names.add('tool');
  return [...names];
}

const FINISH_REASONS: Record<string, string> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};

/** Anthropic's stop_reason → OpenAI's finish_reason. */
export function toFinishReason(stopReason: unknown): string | null {
  if (typeof stopReason !== 'string') return null;
  return Object.hasOwn(FINISH_REASONS, stopReason) ? FINISH_REASONS[stopReason]! : 'stop';
}

function count(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0;
}

/**
 * Anthropic usage → OpenAI usage. Anthropic's input_tokens excludes both cache buckets; OpenAI's prompt_tokens
 * includes cached ones. The Anthropic cache fields stay beside (as LiteLLM does) so cache writes can be priced.
 */
export function toOpenAIUsage(usage: unknown): Json | null {
  if (!isRecord(usage)) return null;
  const read = count(usage.cache_read_input_tokens);
  const written = count(usage.cache_creation_input_tokens);
  const prompt = count(usage.input_tokens) + read + written;
  const completion = count(usage.output_tokens);
  const out: Json = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: read },
    cache_read_input_tokens: read,
    cache_creation_input_tokens: written,
  };
  // the 5-minute / 1-hour split: 1-hour writes cost more
  if (isRecord(usage.cache_creation)) out.cache_creation = usage.cache_creation;
  return out;
}

/**
 * A whole Anthropic message → an OpenAI chat.completion. Thinking goes to `reasoning_content` and, as the blocks
 * that must come back in a tool-use turn, `thinking_blocks` (LiteLLM's fields).
 */
export function translateMessage(answer: Json, requestedModel: string, nowSec: number): Json {
  const blocks = Array.isArray(answer.content) ? (answer.content as unknown[]).filter(isRecord) : [];
  const json = blocks.find((b) => b.type === 'tool_use' && b.name === JSON_TOOL);
  if (json) return translateMessage({ ...answer, content: [{ type: 'text', text: JSON.stringify(json.input ?? {}) }], stop_reason: answer.stop_reason === 'tool_use' ? 'end_turn' : answer.stop_reason }, requestedModel, nowSec);
  const text = blocks.filter((b) => b.type === 'text' && typeof b.text === 'string').map((b) => b.text as string).join('');
  const toolCalls = blocks.filter((b) => b.type === 'tool_use').map((b) => ({
    id: String(b.id), type: 'function', function: { name: String(b.name), arguments: JSON.stringify(b.input ?? {}) },
  }));
  const message: Json = { role: 'assistant', content: text === '' && toolCalls.length > 0 ? null : text, refusal: null };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  const { reasoning, thinkingBlocks } = readThinking(blocks);
  if (reasoning !== null) {
    message.reasoning_content = reasoning;
    message.thinking_blocks = thinkingBlocks;
  }
  return {
    id: typeof answer.id === 'string' ? answer.id : 'msg_unknown',
    object: 'chat.completion',
    created: nowSec,
    model: typeof answer.model === 'string' ? answer.model : requestedModel,
    choices: [{ index: 0, message, logprobs: null, finish_reason: toFinishReason(answer.stop_reason) ?? 'stop' }],
    usage: toOpenAIUsage(answer.usage),
    system_fingerprint: null,
  };
}
