import { analyzeText, computeFeatures, type Analyzed } from './pair-features';
import { scorePair, trippedGuard, type Strictness, type VerifierModel } from './verifier';

export interface Candidate {
  id: string;
  similarity: number;
  /** the cached prompt */
  text: string;
  /** raised when a hit on this entry was reported wrong */
  minSimilarity: number | null;
}

export interface Verdict { id: string; similarity: number; probability: number; threshold: number }

/** Nearest neighbours looked at per lookup: the verifier may reject the closest and accept the next. */
export const CANDIDATES_PER_LOOKUP = 5;

/**
 * The decision the gateway and `npm run eval:semantic` share: similarity proposes, the learned verifier
 * decides. Returns the most probable candidate that clears the project's strictness, or null.
 */
export function verifyCandidates(model: VerifierModel, strictness: Strictness, query: string, candidates: readonly Candidate[],
  analyze: (text: string) => Analyzed = analyzeText): Verdict | null {
  const threshold = model.thresholds[strictness];
  return pickMostProbable(model, query, candidates, analyze, threshold, (p) => p >= threshold);
}

/**
 * For the LLM judge: the most probable candidate that passed every guard and fell short of the strictness
 * threshold by at most `band`. The guards' vetoes stand: a vetoed candidate is never borderline.
 */
export function findBorderline(model: VerifierModel, strictness: Strictness, query: string, candidates: readonly Candidate[], band: number,
  analyze: (text: string) => Analyzed = analyzeText): Verdict | null {
  const threshold = model.thresholds[strictness];
  return pickMostProbable(model, query, candidates, analyze, threshold, (p) => p < threshold && p >= threshold - band);
}

function pickMostProbable(model: VerifierModel, query: string, candidates: readonly Candidate[], analyze: (text: string) => Analyzed,
  threshold: number, accept: (probability: number) => boolean): Verdict | null {
  let best: Verdict | null = null;
  let q: Analyzed | null = null;
  for (const c of candidates) {
    if (c.similarity < model.minCosine || (c.minSimilarity !== null && c.similarity < c.minSimilarity)) continue;
    q ??= analyze(query);
    const x = computeFeatures(c.similarity, analyze(c.text), q);
    if (trippedGuard(x)) continue;
    const probability = scorePair(model, x);
    if (accept(probability) && (!best || probability > best.probability)) best = { id: c.id, similarity: c.similarity, probability, threshold };
  }
  return best;
}

const GUARD_WORDS: Record<string, string> = {
  numberMismatch: 'the numbers differ', negationMismatch: 'one of them is negated', directionalSwap: '"from … to …" is swapped',
  unitMismatch: 'the units differ', dateMismatch: 'the dates differ',
};

/** Why a candidate is not a hit, in words for x-tollgate-cache-reason and the trace. */
export function explainRejection(model: VerifierModel, strictness: Strictness, query: string, c: Candidate,
  analyze: (text: string) => Analyzed = analyzeText): string {
  if (c.similarity < model.minCosine) return `similarity below ${model.minCosine}`;
  if (c.minSimilarity !== null && c.similarity < c.minSimilarity) return `the entry needs similarity ≥ ${c.minSimilarity.toFixed(3)} since a wrong report`;
  const x = computeFeatures(c.similarity, analyze(c.text), analyze(query));
  const guard = trippedGuard(x);
  if (guard) return `vetoed: ${GUARD_WORDS[guard] ?? guard}`;
  return `verifier ${scorePair(model, x).toFixed(3)} < ${model.thresholds[strictness]} needed`;
}
