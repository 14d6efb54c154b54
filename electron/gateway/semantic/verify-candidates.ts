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

export interface Decision {
  /** the most probable candidate that clears the strictness threshold */
  hit: Verdict | null;
  /** with a judge band: the most probable candidate that passed every guard and fell short by at most the band */
  borderline: Verdict | null;
  /** why the nearest candidate is not a hit, in words for x-tollgate-cache-reason (null when there was none) */
  nearestRejected: string | null;
}

const GUARD_WORDS: Record<string, string> = {
  numberMismatch: 'the numbers differ', negationMismatch: 'one of them is negated', directionalSwap: '"from … to …" is swapped',
  unitMismatch: 'the units differ', dateMismatch: 'the dates differ',
};

/**
 * The decision the gateway and `npm run eval:semantic` share: similarity proposes, the learned verifier decides.
 * One pass over the candidates (nearest first) gives the hit, the judge's borderline candidate and the reason for a
 * miss. The guards' vetoes stand: a vetoed candidate is never a hit nor borderline.
 */
export function decideCandidates(model: VerifierModel, strictness: Strictness, query: string, candidates: readonly Candidate[],
  judgeBand: number | null = null, analyze: (text: string) => Analyzed = analyzeText): Decision {
  const threshold = model.thresholds[strictness];
  const decision: Decision = { hit: null, borderline: null, nearestRejected: null };
  let q: Analyzed | null = null;
  for (const [i, c] of candidates.entries()) {
    const why = (text: string) => { if (i === 0) decision.nearestRejected = text; };
    if (c.similarity < model.minCosine) { why(`similarity below ${model.minCosine}`); continue; }
    if (c.minSimilarity !== null && c.similarity < c.minSimilarity) {
      why(`the entry needs similarity ≥ ${c.minSimilarity.toFixed(3)} since a wrong report`);
      continue;
    }
    q ??= analyze(query);
    const x = computeFeatures(c.similarity, analyze(c.text), q);
    const guard = trippedGuard(x);
    if (guard) { why(`vetoed: ${GUARD_WORDS[guard] ?? guard}`); continue; }
    const probability = scorePair(model, x);
    const verdict = { id: c.id, similarity: c.similarity, probability, threshold };
    if (probability >= threshold) {
      if (!decision.hit || probability > decision.hit.probability) decision.hit = verdict;
      continue;
    }
    why(`verifier ${probability.toFixed(3)} < ${threshold} needed`);
    if (judgeBand !== null && probability >= threshold - judgeBand && (!decision.borderline || probability > decision.borderline.probability)) {
      decision.borderline = verdict;
    }
  }
  return decision;
}

/** The hit alone: the most probable candidate that clears the project's strictness, or null. */
export function verifyCandidates(model: VerifierModel, strictness: Strictness, query: string, candidates: readonly Candidate[],
  analyze: (text: string) => Analyzed = analyzeText): Verdict | null {
  return decideCandidates(model, strictness, query, candidates, null, analyze).hit;
}
