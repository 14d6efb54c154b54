import type { AliasPut, AliasTarget } from '../../../shared/api/dto';

export type ParsedTargets = { targets: AliasPut['targets'] } | { error: string };

/**
 * Targets as the editor shows them: one `provider/model` a line, optionally followed by a weight
 * (`openai/gpt-4o-mini 3`). Blank lines and `#` comments are skipped.
 */
export function parseTargetsText(text: string): ParsedTargets {
  const targets: AliasPut['targets'] = [];
  const lines = text.split(/\r?\n/);
  for (const [i, raw] of lines.entries()) {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) continue;
    const parts = line.split(/\s+/);
    const model = parts[0]!;
    if (parts.length > 2) return { error: `Line ${i + 1}: write "provider/model" and at most one weight, e.g. "openai/gpt-4o-mini 2".` };
    if (parts.length === 1) {
      targets.push(model);
      continue;
    }
    const weightText = parts[1]!.replace(/^(weight=|w=|\*)/i, '');
    const weight = Number(weightText);
    if (weightText === '' || !Number.isFinite(weight) || weight < 0) {
      return { error: `Line ${i + 1}: the weight "${parts[1]}" must be a number ≥ 0.` };
    }
    targets.push({ model, weight });
  }
  if (targets.length === 0) return { error: 'List at least one target, one "provider/model" a line.' };
  return { targets };
}

/** The inverse of parseTargetsText: a weight is written only when it is not the default 1. */
export function formatTargetsText(targets: AliasTarget[]): string {
  return targets.map((t) => (t.weight === 1 ? t.model : `${t.model} ${t.weight}`)).join('\n');
}
