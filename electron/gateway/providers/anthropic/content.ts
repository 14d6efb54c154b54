import { isRecord } from '../../cost/pricing';
import { badRequest } from '../../errors';
import { toThinkingBlocks } from './thinking';

type Json = Record<string, unknown>;

/** One Anthropic content block as we send it (text, image, document, tool_use, tool_result). */
export type AnthropicBlock = Json & { type: string };

export interface AnthropicMessage {
  role: 'user' | 'assistant';
  content: AnthropicBlock[];
}

const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);
const DATA_URL = /^data:([^;,]+);base64,(.*)$/s;

/** Anthropic's prompt-caching marker, passed through when a client sets it (the LiteLLM convention). */
function withCacheControl(block: AnthropicBlock, part: Json): AnthropicBlock {
  return isRecord(part.cache_control) ? { ...block, cache_control: part.cache_control } : block;
}

function toImageBlock(part: Json, param: string): AnthropicBlock {
  const image = part.image_url;
  const url = typeof image === 'string' ? image : isRecord(image) && typeof image.url === 'string' ? image.url : null;
  if (url === null) throw badRequest(`${param}.image_url.url must be a string (an https URL or a base64 data URL).`, param);
  const data = DATA_URL.exec(url);
  if (data) {
    const mediaType = data[1]!.toLowerCase();
    if (!IMAGE_TYPES.has(mediaType)) {
      throw badRequest(`Anthropic accepts image/jpeg, image/png, image/gif and image/webp; ${param} is ${mediaType}.`, param);
    }
    return { type: 'image', source: { type: 'base64', media_type: mediaType, data: data[2] } };
  }
  if (/^https?:\/\//i.test(url)) return { type: 'image', source: { type: 'url', url } };
  throw badRequest(`${param}.image_url.url must be an http(s) URL or a data:image/...;base64 URL.`, param);
}

function toDocumentBlock(part: Json, param: string): AnthropicBlock {
  const file = isRecord(part.file) ? part.file : {};
  const data = typeof file.file_data === 'string' ? DATA_URL.exec(file.file_data) : null;
  if (!data || data[1] !== 'application/pdf') {
    throw badRequest(`${param}: Anthropic models take files only as file.file_data with a data:application/pdf;base64 URL (uploaded file ids are OpenAI's).`, param);
  }
  return { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: data[2] } };
}

/** OpenAI message content (a string or parts) → Anthropic blocks; empty text is dropped (Anthropic refuses it). */
export function toContentBlocks(content: unknown, param: string, allowMedia: boolean): AnthropicBlock[] {
  if (content === null || content === undefined) return [];
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  if (!Array.isArray(content)) throw badRequest(`${param} must be a string or an array of content parts.`, param);
  const blocks: AnthropicBlock[] = [];
  content.forEach((part: unknown, i) => {
    const where = `${param}[${i}]`;
    if (!isRecord(part)) throw badRequest(`${where} must be a content part object.`, where);
    if (part.type === 'text' || part.type === 'refusal') {
      const text = part.type === 'text' ? part.text : part.refusal;
      if (typeof text !== 'string') throw badRequest(`${where}.${String(part.type)} must be a string.`, where);
      if (text !== '') blocks.push(withCacheControl({ type: 'text', text }, part));
    } else if (allowMedia && part.type === 'image_url') {
      blocks.push(withCacheControl(toImageBlock(part, where), part));
    } else if (allowMedia && part.type === 'file') {
      blocks.push(withCacheControl(toDocumentBlock(part, where), part));
    } else {
      throw badRequest(`${where}: content parts of type "${String(part.type)}" cannot be sent to Anthropic models here; use text${allowMedia ? ', image_url or a PDF file' : ''}.`, where);
    }
  });
  return blocks;
}

function toToolUseBlocks(toolCalls: unknown, param: string): AnthropicBlock[] {
  if (toolCalls === undefined || toolCalls === null) return [];
  if (!Array.isArray(toolCalls)) throw badRequest(`${param} must be an array.`, param);
  return toolCalls.map((call: unknown, i) => {
    const where = `${param}[${i}]`;
    const fn = isRecord(call) && isRecord(call.function) ? call.function : null;
    if (!isRecord(call) || typeof call.id !== 'string' || !fn || typeof fn.name !== 'string') {
      throw badRequest(`${where} needs an id and function.name.`, where);
    }
    let input: unknown = {};
    const args = typeof fn.arguments === 'string' ? fn.arguments.trim() : '';
    if (args !== '') {
      try { input = JSON.parse(args); } catch {
        throw badRequest(`${where}.function.arguments is not valid JSON; Anthropic needs the tool input as a JSON object.`, `${where}.function.arguments`);
      }
    }
    if (!isRecord(input)) throw badRequest(`${where}.function.arguments must be a JSON object for Anthropic models.`, `${where}.function.arguments`);
    return { type: 'tool_use', id: call.id, name: fn.name, input };
  });
}

function toToolResultBlock(message: Json, param: string): AnthropicBlock {
  if (typeof message.tool_call_id !== 'string' || message.tool_call_id === '') {
    throw badRequest(`${param}.tool_call_id is required: it names the tool call this message answers.`, `${param}.tool_call_id`);
  }
  const blocks = toContentBlocks(message.content, `${param}.content`, false);
  const block: AnthropicBlock = { type: 'tool_result', tool_use_id: message.tool_call_id };
  if (blocks.length > 0) block.content = blocks;
  return block;
}

/**
 * OpenAI's messages → Anthropic's system blocks and user/assistant turns. System and developer messages
 * wherever they are become the system prompt; tool results become tool_result blocks in a user turn; turns of
 * the same role are merged, since Anthropic wants them alternating.
 */
export function toAnthropicMessages(messages: unknown): { system: AnthropicBlock[]; messages: AnthropicMessage[] } {
  if (!Array.isArray(messages) || messages.length === 0) throw badRequest('messages must be a non-empty array.', 'messages');
  const system: AnthropicBlock[] = [];
  const out: AnthropicMessage[] = [];
  const push = (role: AnthropicMessage['role'], blocks: AnthropicBlock[]) => {
    if (blocks.length === 0) return;
    const last = out[out.length - 1];
    if (last && last.role === role) {
      // tool_result blocks must open a user turn, before any text
      const all = [...last.content, ...blocks];
      last.content = [...all.filter((b) => b.type === 'tool_result'), ...all.filter((b) => b.type !== 'tool_result')];
    } else out.push({ role, content: blocks });
  };
  messages.forEach((m: unknown, i) => {
    const param = `messages[${i}]`;
    if (!isRecord(m)) throw badRequest(`${param} must be an object with a role.`, param);
    switch (m.role) {
      case 'system':
      case 'developer':
        system.push(...toContentBlocks(m.content, `${param}.content`, false));
        break;
      case 'user':
        push('user', toContentBlocks(m.content, `${param}.content`, true));
        break;
      case 'assistant':
        push('assistant', [
          ...toThinkingBlocks(m.thinking_blocks, `${param}.thinking_blocks`),
          ...toContentBlocks(m.content, `${param}.content`, false), ...toToolUseBlocks(m.tool_calls, `${param}.tool_calls`),
        ]);
        break;
      case 'tool':
        push('user', [toToolResultBlock(m, param)]);
        break;
      default:
        throw badRequest(`${param}.role "${String(m.role)}" cannot be sent to Anthropic models; use system, developer, user, assistant or tool.`, `${param}.role`);
    }
  });
  if (out.length === 0) throw badRequest('Anthropic models need at least one user or assistant message besides the system prompt.', 'messages');
  return { system, messages: out };
}
