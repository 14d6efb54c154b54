/** The models the mock serves: the snapshot each alias answers as, and its output limit (max_tokens cap). */
export const MODELS: Record<string, { snapshot: string; maxOutput: number; displayName: string }> = {
  'claude-sonnet-4-5': { snapshot: 'claude-sonnet-4-5-20250929', maxOutput: 64000, displayName: 'Claude Sonnet 4.5' },
  'claude-haiku-4-5': { snapshot: 'claude-haiku-4-5-20251001', maxOutput: 64000, displayName: 'Claude Haiku 4.5' },
  'claude-opus-4-1': { snapshot: 'claude-opus-4-1-20250805', maxOutput: 32000, displayName: 'Claude Opus 4.1' },
  'claude-opus-4-5': { snapshot: 'claude-opus-4-5-20251101', maxOutput: 64000, displayName: 'Claude Opus 4.5' },
  'claude-3-5-haiku': { snapshot: 'claude-3-5-haiku-20241022', maxOutput: 8192, displayName: 'Claude Haiku 3.5' },
};

/** Model names that switch the mock into a failure mode (as the OpenAI mock does), served like a 64k model. */
export const MOCK_MODES = new Set(['mock-error-500', 'mock-overloaded', 'mock-error-429', 'mock-stream-error', 'mock-reset', 'mock-bad-sse']);

export function findModel(name: string): { snapshot: string; maxOutput: number } | null {
  if (MOCK_MODES.has(name)) return { snapshot: name, maxOutput: 64000 };
  const alias = MODELS[name];
  if (alias) return alias;
  const bySnapshot = Object.values(MODELS).find((m) => m.snapshot === name);
  return bySnapshot ?? null;
}
