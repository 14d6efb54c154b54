import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SemanticHeldOut } from '../../../shared/api/dto';
import { FEATURE_NAMES } from './pair-features';

export type Strictness = 'strict' | 'balanced' | 'loose';
export const STRICTNESS_LEVELS: readonly Strictness[] = ['strict', 'balanced', 'loose'];

/** One regression tree, flattened: node i splits on feature[i] at threshold[i]; leaves have feature -1. */
export interface Tree {
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  value: number[];
}

/** The learned verifier as shipped in resources/ (written by scripts/semantic/train-verifier.ts). */
export interface VerifierModel {
  embedder: string;
  features: string[];
  base: number;
  trees: Tree[];
  /** probability a candidate must reach, per strictness */
  thresholds: Record<Strictness, number>;
  /** candidates below this cosine are never shown to the trees */
  minCosine: number;
  trainedAt: string;
  /** precision, hit rate and false-hit rate per strictness and dataset, on the held-out split */
  heldOut?: SemanticHeldOut;
  /** out-of-fold numbers on the training split at the chosen thresholds */
  trainFolds?: unknown;
  /** the trainer's settings (dataset weights, threshold targets) */
  trainedWith?: unknown;
}

export const DEFAULT_VERIFIER_FILE = fileURLToPath(new URL('../../../resources/semantic-verifier.json', import.meta.url));

export function loadVerifierModel(file = DEFAULT_VERIFIER_FILE): VerifierModel {
  const model = JSON.parse(readFileSync(file, 'utf8')) as VerifierModel;
  const expected = FEATURE_NAMES.join(',');
  if (model.features.join(',') !== expected) {
    throw new Error(`${file} was trained on other features (${model.features.join(',')}); rerun npm run train:semantic.`);
  }
  return model;
}

export function scoreTree(tree: Tree, x: readonly number[]): number {
  let i = 0;
  while (tree.feature[i]! >= 0) i = x[tree.feature[i]!]! <= tree.threshold[i]! ? tree.left[i]! : tree.right[i]!;
  return tree.value[i]!;
}

/**
 * Traps too rare in the labeled pairs for the trees to weigh them reliably, and never worth the risk:
 * a pair that differs in any of these is never a hit, whatever the probability.
 */
export const GUARD_FEATURES = ['numberMismatch', 'negationMismatch', 'directionalSwap', 'unitMismatch', 'dateMismatch'] as const;
const GUARD_INDEXES = GUARD_FEATURES.map((f) => FEATURE_NAMES.indexOf(f));

/** The guard a pair trips, or null. */
export function trippedGuard(x: readonly number[]): string | null {
  for (const [k, i] of GUARD_INDEXES.entries()) if (x[i]! > 0) return GUARD_FEATURES[k]!;
  return null;
}

/** Probability that the two prompts ask the same thing. */
export function scorePair(model: Pick<VerifierModel, 'base' | 'trees'>, x: readonly number[]): number {
  let margin = model.base;
  for (const t of model.trees) margin += scoreTree(t, x);
  return 1 / (1 + Math.exp(-margin));
}
