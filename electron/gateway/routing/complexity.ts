import { estimateTokens, extractPromptText } from '../cache/prompt-text';
import type { Endpoint } from '../../../shared/api/dto';

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let out = '';
  for (const p of content) if (p && typeof p === 'object' && typeof (p as { text?: unknown }).text === 'string') out += (p as { text: string }).text + '\n';
  return out;
}

/** All the text the model reads: every turn, not just the last one. */
function allText(endpoint: Endpoint, body: Record<string, unknown>): string {
  const items = endpoint === 'chat.completions' ? body.messages : body.input;
  if (typeof items === 'string') return items;
  if (!Array.isArray(items)) return extractPromptText(endpoint, body);
  let out = typeof body.instructions === 'string' ? body.instructions + '\n' : '';
  for (const m of items) if (m && typeof m === 'object') out += contentText((m as { content?: unknown }).content) + '\n';
  return out;
}

const CODE = /```|\b(function|def|class|import|return|const|let|var|public static|#include|SELECT .+ FROM)\b|=>|;\s*$|\{\s*$/m;
const REASONING = [
  /step[- ]by[- ]step/i, /\bprove\b|\bproof\b/i, /\bderive\b|\bderivation\b/i, /\banaly[sz]e\b|\banalysis\b/i,
  /\bexplain why\b|\bwhy does\b|\bwhy is\b/i, /\btrade-?offs?\b/i, /\bcompare\b|\bcontrast\b/i, /\boptimi[sz]e\b/i,
  /\bdebug\b|\broot cause\b/i, /\balgorithm\b|\bcomplexity\b/i, /\barchitecture\b|\bdesign (a|an|the)\b/i,
  /\breason(ing)?\b|\bthink (carefully|hard)\b/i, /\bplan\b|\bstrategy\b/i, /\bedge cases?\b/i,
];

export interface ComplexityScore { score: number; signals: string[] }

/**
 * A cheap, deterministic guess at how hard a prompt is (0 trivial .. 1 hard), from what is in the request:
 * length, code, reasoning cues, tools and structured output, conversation depth. No model call on the hot path.
 */
export function scoreComplexity(endpoint: Endpoint, body: Record<string, unknown>): ComplexityScore {
  const text = allText(endpoint, body);
  const signals: string[] = [];
  let score = 0;

  const tokens = estimateTokens(text);
  const length = Math.min(1, tokens / 1500) * 0.35;
  if (tokens >= 200) signals.push(`length ~${tokens} tokens`);
  score += length;

  if (CODE.test(text)) { score += 0.2; signals.push('code'); }

  const cues = REASONING.filter((re) => re.test(text)).length;
  if (cues > 0) { score += Math.min(0.3, cues * 0.1); signals.push(`${cues} reasoning cue${cues > 1 ? 's' : ''}`); }

  if (Array.isArray(body.tools) && body.tools.length > 0) { score += 0.15; signals.push('tools'); }
  const format = body.response_format as { type?: unknown } | undefined;
  if (format && (format.type === 'json_schema' || format.type === 'json_object')) { score += 0.1; signals.push(`response_format ${String(format.type)}`); }
  if (Array.isArray(body.messages) && body.messages.length > 6) { score += 0.1; signals.push(`${body.messages.length} messages`); }
  if (typeof body.reasoning_effort === 'string' && body.reasoning_effort !== 'minimal' && body.reasoning_effort !== 'low') {
    score += 0.2; signals.push(`reasoning_effort ${body.reasoning_effort}`);
  }

  return { score: Math.round(Math.min(1, score) * 1000) / 1000, signals };
}
