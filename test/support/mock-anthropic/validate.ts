import { findModel } from './models.js';

/** A request the real API would refuse: its error type, status and Anthropic's wording. */
export class InvalidRequest extends Error {
  constructor(message: string, readonly status = 400, readonly type = 'invalid_request_error') {
    super(message);
  }
}

const BLOCK_TYPES = new Set(['text', 'image', 'document', 'tool_use', 'tool_result', 'thinking', 'redacted_thinking']);

function checkBlock(block: any, where: string, role: string, previous: any): void {
  if (!block || typeof block !== 'object' || !BLOCK_TYPES.has(block.type)) {
    throw new InvalidRequest(`${where}.type: Input tag '${String(block?.type)}' found using 'type' does not match any of the expected tags`);
  }
  if (block.type === 'text' && (typeof block.text !== 'string' || block.text === '')) {
    throw new InvalidRequest('messages: text content blocks must be non-empty');
  }
  if (block.type === 'image') {
    const s = block.source;
    const ok = s && ((s.type === 'base64' && typeof s.media_type === 'string' && typeof s.data === 'string') || (s.type === 'url' && typeof s.url === 'string'));
    if (!ok) throw new InvalidRequest(`${where}.source: Field required`);
  }
  if (block.type === 'tool_use' && (role !== 'assistant' || typeof block.id !== 'string' || typeof block.input !== 'object')) {
    throw new InvalidRequest(`${where}: tool_use blocks need an id and an object input and may only appear in assistant messages`);
  }
  if (block.type === 'tool_result') {
    const ids = Array.isArray(previous?.content) ? previous.content.filter((b: any) => b?.type === 'tool_use').map((b: any) => b.id) : [];
    if (role !== 'user' || !ids.includes(block.tool_use_id)) {
      throw new InvalidRequest(`${where}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(block.tool_use_id)}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`);
    }
  }
}

function checkMessages(messages: unknown): void {
  if (!Array.isArray(messages)) throw new InvalidRequest('messages: Field required');
  if (messages.length === 0) throw new InvalidRequest('messages: at least one message is required');
  messages.forEach((m: any, i: number) => {
    if (m?.role !== 'user' && m?.role !== 'assistant') {
      throw new InvalidRequest(`messages.${i}.role: Input should be 'user' or 'assistant'`);
    }
    if (typeof m.content === 'string') {
      if (m.content === '' && i !== messages.length - 1) throw new InvalidRequest('messages: text content blocks must be non-empty');
      return;
    }
    if (!Array.isArray(m.content)) throw new InvalidRequest(`messages.${i}.content: Input should be a valid list`);
    const previous = messages[i - 1];
    m.content.forEach((b: any, j: number) => checkBlock(b, `messages.${i}.content.${j}`, m.role, previous));
  });
}

function checkTools(tools: unknown, toolChoice: any): void {
  if (tools !== undefined) {
    if (!Array.isArray(tools)) throw new InvalidRequest('tools: Input should be a valid list');
    tools.forEach((t: any, i: number) => {
      if (typeof t?.name !== 'string' || !/^[a-zA-Z0-9_-]{1,128}$/.test(t.name)) throw new InvalidRequest(`tools.${i}.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'`);
      if (typeof t.input_schema !== 'object' || t.input_schema === null) throw new InvalidRequest(`tools.${i}.input_schema: Field required`);
    });
  }
  if (toolChoice !== undefined) {
    if (!['auto', 'any', 'tool', 'none'].includes(toolChoice?.type)) throw new InvalidRequest("tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'");
    if (toolChoice.type === 'tool' && !(tools as any[] | undefined)?.some((t) => t.name === toolChoice.name)) {
      throw new InvalidRequest(`tool_choice: tool '${String(toolChoice.name)}' not found in tools`);
    }
  }
}

/** Extended thinking's rules, with the real API's wording. */
function checkThinking(body: any): void {
  const t = body.thinking;
  if (t === undefined || t?.type === 'disabled') return;
  if (t?.type !== 'enabled') throw new InvalidRequest("thinking.type: Input should be 'enabled' or 'disabled'");
  if (!Number.isInteger(t.budget_tokens) || t.budget_tokens < 1024) throw new InvalidRequest('thinking.enabled.budget_tokens: Input should be greater than or equal to 1024');
  if (t.budget_tokens >= body.max_tokens) throw new InvalidRequest('`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size');
  if (body.temperature !== undefined && body.temperature !== 1) throw new InvalidRequest('`temperature` may only be set to 1 when thinking is enabled. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#feature-compatibility');
  if (body.top_k !== undefined) throw new InvalidRequest('`top_k` must be unset when thinking is enabled. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#feature-compatibility');
  if (body.tool_choice?.type === 'any' || body.tool_choice?.type === 'tool') throw new InvalidRequest('Thinking may not be enabled when tool_choice forces tool use.');
  const lastAssistant = [...body.messages].reverse().find((m: any) => m.role === 'assistant');
  const blocks = Array.isArray(lastAssistant?.content) ? lastAssistant.content : [];
  if (blocks.some((b: any) => b?.type === 'tool_use') && !['thinking', 'redacted_thinking'].includes(blocks[0]?.type)) {
    throw new InvalidRequest(`messages.${body.messages.lastIndexOf(lastAssistant)}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${String(blocks[0]?.type)}\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block (preceeding the lastmost set of \`tool_use\` and \`tool_result\` blocks). We recommend you include thinking blocks from previous turns.`);
  }
}

/** Checks a Messages body the way the real API does (what a translator is most likely to get wrong). */
export function validateMessagesBody(body: any): { snapshot: string; maxOutput: number } {
  if (typeof body.model !== 'string') throw new InvalidRequest('model: Field required');
  const model = findModel(body.model);
  if (!model) throw new InvalidRequest(`model: ${body.model}`, 404, 'not_found_error');
  if (body.max_tokens === undefined) throw new InvalidRequest('max_tokens: Field required');
  if (!Number.isInteger(body.max_tokens) || body.max_tokens < 1) throw new InvalidRequest('max_tokens: Input should be greater than or equal to 1');
  if (body.max_tokens > model.maxOutput) {
    throw new InvalidRequest(`max_tokens: ${body.max_tokens} > ${model.maxOutput}, which is the maximum allowed number of output tokens for ${model.snapshot}`);
  }
  if ('system' in body && typeof body.system !== 'string' && !Array.isArray(body.system)) throw new InvalidRequest('system: Input should be a valid string');
  if (Array.isArray(body.system) && body.system.some((b: any) => b?.type !== 'text' || typeof b.text !== 'string' || b.text === '')) {
    throw new InvalidRequest('system: text content blocks must be non-empty');
  }
  checkMessages(body.messages);
  if (body.temperature !== undefined && !(typeof body.temperature === 'number' && body.temperature >= 0 && body.temperature <= 1)) {
    throw new InvalidRequest('temperature: Input should be less than or equal to 1');
  }
  if (body.stop_sequences !== undefined && !(Array.isArray(body.stop_sequences) && body.stop_sequences.every((s: unknown) => typeof s === 'string' && s.trim() !== ''))) {
    throw new InvalidRequest('stop_sequences: each stop sequence must contain non-whitespace');
  }
  if (body.metadata !== undefined && (typeof body.metadata !== 'object' || Object.keys(body.metadata).some((k) => k !== 'user_id'))) {
    throw new InvalidRequest('metadata: Extra inputs are not permitted');
  }
  for (const key of ['n', 'stop', 'user', 'max_completion_tokens', 'stream_options', 'tool_calls', 'response_format']) {
    if (key in body) throw new InvalidRequest(`${key}: Extra inputs are not permitted`);
  }
  checkTools(body.tools, body.tool_choice);
  checkThinking(body);
  const usesTools = body.messages.some((m: any) => Array.isArray(m.content) && m.content.some((b: any) => b?.type === 'tool_use' || b?.type === 'tool_result'));
  if (usesTools && !(Array.isArray(body.tools) && body.tools.length > 0)) {
    throw new InvalidRequest('Requests which include `tool_use` or `tool_result` blocks must define tools.');
  }
  return model;
}
