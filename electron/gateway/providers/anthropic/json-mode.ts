import { isRecord } from '../../cost/pricing';
import { badRequest } from '../../errors';

type Json = Record<string, unknown>;

/**
 * OpenAI's response_format has no Messages API twin that every Claude model takes, so JSON answers are asked
 * for as a call to one forced tool whose input schema is the requested schema (the LiteLLM approach); its input
 * comes back as the message content. The name is ours and reserved.
 */
export const JSON_TOOL = 'tollgate_json_response';

/** The forced tool for a response_format, or null when plain text is asked for. */
export function toJsonTool(format: unknown, hasTools: boolean): { tool: Json; choice: Json } | null {
  if (format === undefined || format === null) return null;
  if (!isRecord(format) || typeof format.type !== 'string') throw badRequest('response_format must be {"type": "text" | "json_object" | "json_schema", ...}.', 'response_format');
  if (format.type === 'text') return null;
  let schema: Json = { type: 'object' };
  let description = 'Give the answer as this JSON object.';
  if (format.type === 'json_schema') {
    const spec = isRecord(format.json_schema) ? format.json_schema : null;
    if (!spec || !isRecord(spec.schema)) throw badRequest('response_format.json_schema.schema must be a JSON schema object.', 'response_format');
    if (spec.schema.type !== 'object') {
      throw badRequest('For Anthropic models the response_format schema must describe an object ("type": "object") at its root.', 'response_format');
    }
    schema = spec.schema;
    if (typeof spec.description === 'string') description = spec.description;
  } else if (format.type !== 'json_object') {
    throw badRequest(`response_format "${format.type}" is not known; use text, json_object or json_schema.`, 'response_format');
  }
  if (hasTools) {
    throw badRequest('Anthropic models get response_format as a forced tool here, so it cannot be combined with tools; drop one of them.', 'response_format');
  }
  return { tool: { name: JSON_TOOL, description, input_schema: schema }, choice: { type: 'tool', name: JSON_TOOL } };
}
