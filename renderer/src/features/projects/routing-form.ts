import type { RoutingRule } from '../../../../shared/api/dto';

/** The complexity rule as typed in the editor; appliesTo is a comma- or space-separated list. */
export interface RoutingForm {
  enabled: boolean;
  cheapModel: string;
  strongModel: string;
  threshold: string;
  appliesTo: string;
}

export function toRoutingForm(rule: RoutingRule | undefined): RoutingForm {
  const c = rule?.complexity;
  if (!c) return { enabled: false, cheapModel: '', strongModel: '', threshold: '0.5', appliesTo: '' };
  return { enabled: true, cheapModel: c.cheapModel, strongModel: c.strongModel, threshold: String(c.threshold), appliesTo: c.appliesTo.join(', ') };
}

/** Parses the form into the PUT body, or names the first field to fix. Disabled means `{complexity: null}`. */
export function toRoutingRule(f: RoutingForm): { rule: RoutingRule } | { error: string } {
  if (!f.enabled) return { rule: { complexity: null } };
  const cheapModel = f.cheapModel.trim();
  const strongModel = f.strongModel.trim();
  if (!cheapModel) return { error: 'Name the cheap model (e.g. openai/gpt-4o-mini or an alias).' };
  if (!strongModel) return { error: 'Name the strong model (e.g. openai/gpt-4o or an alias).' };
  const thresholdText = f.threshold.trim();
  const threshold = thresholdText === '' ? 0.5 : Number(thresholdText);
  if (!Number.isFinite(threshold) || threshold < 0 || threshold > 1) return { error: 'The threshold must be a number from 0 to 1.' };
  const appliesTo = f.appliesTo.split(/[\s,]+/).filter((m) => m !== '');
  return { rule: { complexity: { cheapModel, strongModel, threshold, appliesTo: [...new Set(appliesTo)] } } };
}
