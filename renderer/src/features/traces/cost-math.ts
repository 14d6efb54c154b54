import type { Trace } from '../../../../shared/api/dto';
import type { PriceLookup } from '../../../../shared/api/dashboard';

export interface CostLine {
  label: string;
  tokens: number;
  /** USD per 1M tokens */
  perMillion: number;
  usd: number;
}

export interface CostMath {
  lines: CostLine[];
  totalUsd: number;
}

/**
 * The gateway's cost formula spelled out: uncached input × input price + cached input × cached price
 * + output (reasoning included) × output price. Null when the trace has no usage or no price.
 */
export function buildCostMath(trace: Trace, price: PriceLookup['price']): CostMath | null {
  if (!price || trace.promptTokens === null) return null;
  const cached = Math.max(0, trace.cachedTokens ?? 0);
  const uncached = Math.max(0, trace.promptTokens - cached);
  const output = Math.max(0, trace.completionTokens ?? 0);
  const line = (label: string, tokens: number, perMillion: number): CostLine => ({
    label, tokens, perMillion, usd: (tokens * perMillion) / 1e6,
  });
  const lines = [line('input', uncached, price.input)];
  if (cached > 0) lines.push(line('cached input', cached, price.cachedInput ?? price.input));
  lines.push(line(trace.reasoningTokens ? `output (${trace.reasoningTokens} reasoning)` : 'output', output, price.output));
  return { lines, totalUsd: lines.reduce((sum, l) => sum + l.usd, 0) };
}
