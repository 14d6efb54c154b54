import { describe, expect, it } from 'vitest';
import { normalizeVector } from '../embed/normalize';
import { analyzeText, computeFeatures, FEATURE_NAMES } from './pair-features';
import { buildSemanticContext } from './semantic-context';
import { createVectorIndex } from './vector-index';
import { trippedGuard, type VerifierModel } from './verifier';
import { verifyCandidates } from './verify-candidates';

const feature = (a: string, b: string, name: (typeof FEATURE_NAMES)[number], cos = 0.95) =>
  computeFeatures(cos, analyzeText(a), analyzeText(b))[FEATURE_NAMES.indexOf(name)];

describe('pair features', () => {
  it('see what an embedding misses: numbers, negation, direction, units, dates', () => {
    expect(feature('What is 15% of 200?', 'What is 15% of 300?', 'numberMismatch')).toBe(1);
    expect(feature('What is 15% of 200?', 'What is 15 % of 200.0?', 'numberMismatch')).toBe(0);
    expect(feature('Is it safe to eat raw chicken?', "Isn't it safe to eat raw chicken?", 'negationMismatch')).toBe(1);
    expect(feature('Is it safe to eat raw chicken?', 'Is raw chicken safe to eat?', 'negationMismatch')).toBe(0);
    expect(feature('Flights from Paris to London', 'Flights from London to Paris', 'directionalSwap')).toBe(2);
    expect(feature('Flights from Paris to London', 'Paris to London flights', 'directionalSwap')).toBe(0);
    expect(feature('Convert 5 km to meters', 'Convert 5 miles to meters', 'unitMismatch')).toBe(1);
    expect(feature('Holidays in May', 'Holidays in June', 'dateMismatch')).toBe(1);
    expect(feature('Learning C++ first', 'Learning C# first', 'uniqueMin')).toBe(1);
  });

  it('tell questions from statements, and see who asks, whether it asks for advice, and when', () => {
    expect(feature('How do I reset my password?', "What's the way to reset my password", 'questions')).toBe(2);
    expect(feature('Is the API down', 'The API is down.', 'questions')).toBe(1);
    expect(feature('PyTorch has cutting-edge diffusers.', 'Diffusers are state-of-the-art models.', 'questions')).toBe(0);
    expect(feature('How do I stop being lazy?', 'How did you stop being lazy?', 'personMismatch')).toBe(1);
    expect(feature('Do I end my relationship?', 'Should I end my relationship?', 'modalMismatch')).toBe(1);
    expect(feature('How do I stop being lazy?', 'How did I stop being lazy?', 'tenseMismatch')).toBe(1);
  });

  it('read "how do I", "how can I" and "how would I" as the same question', () => {
    expect(feature('How do I cancel my subscription?', 'How can I cancel my subscription?', 'jaccardWords')).toBe(1);
    expect(feature('How do I cancel my subscription?', 'How should I cancel my subscription?', 'jaccardWords')).toBeLessThan(1);
  });

  it('measure word order: a swap keeps the words and moves them', () => {
    expect(feature('the dog bit the man', 'the man bit the dog', 'orderGap')).toBeGreaterThan(0.5);
    expect(feature('the dog bit the man', 'the dog bit the man', 'orderGap')).toBe(0);
    expect(feature('the dog bit the man', 'the man bit the dog', 'jaccardWords')).toBe(1);
  });
});

const model = (threshold: number): VerifierModel => ({
  embedder: 'test', features: [...FEATURE_NAMES], base: 0, minCosine: 0.5, trainedAt: 'test',
  // one stump: cosine above 0.9 → +5, else −5
  trees: [{ feature: [0, -1, -1], threshold: [0.9, 0, 0], left: [1, -1, -1], right: [2, -1, -1], value: [0, -5, 5] }],
  thresholds: { strict: threshold, balanced: threshold, loose: threshold },
});

describe('verifyCandidates', () => {
  it('lets the verifier decide among the nearest, and guards veto whatever the score', () => {
    const c = (id: string, similarity: number, text: string, minSimilarity: number | null = null) => ({ id, similarity, text, minSimilarity });
    expect(verifyCandidates(model(0.9), 'balanced', 'How do I reset my password?', [c('a', 0.97, 'How can I reset my password?')])?.id).toBe('a');
    expect(verifyCandidates(model(0.9), 'balanced', 'How do I reset my password?', [c('a', 0.85, 'How can I reset my password?')])).toBeNull();
    expect(verifyCandidates(model(0.9), 'balanced', 'What is 15% of 300?', [c('a', 0.99, 'What is 15% of 200?')])).toBeNull();
    expect(verifyCandidates(model(0.9), 'balanced', 'How do I reset my password?', [c('a', 0.97, 'How can I reset my password?', 0.98)])).toBeNull();
    expect(trippedGuard(computeFeatures(0.99, analyzeText('not now'), analyzeText('now')))).toBe('negationMismatch');
  });
});

describe('semantic context', () => {
  const chat = (messages: unknown[], extra: Record<string, unknown> = {}) => ({ model: 'gpt-4o-mini', messages, temperature: 0, ...extra });
  const user = (content: unknown) => ({ role: 'user', content });

  it('embeds the last user turn and hashes everything else', () => {
    const a = buildSemanticContext('p:v1', 'chat.completions', chat([user('How do I reset my password?')]))!;
    const b = buildSemanticContext('p:v1', 'chat.completions', chat([user('How can I reset my password?')]))!;
    expect(a.text).toBe('How do I reset my password?');
    expect(a.contextKey).toBe(b.contextKey);
    const variants = [
      buildSemanticContext('p:v2', 'chat.completions', chat([user('x')])),
      buildSemanticContext('p:v1', 'chat.completions', chat([user('x')], { model: 'gpt-4o' })),
      buildSemanticContext('p:v1', 'chat.completions', chat([{ role: 'system', content: 'Be brief.' }, user('x')])),
      buildSemanticContext('p:v1', 'chat.completions', chat([user('hi'), { role: 'assistant', content: 'hello' }, user('x')])),
      buildSemanticContext('p:v1', 'chat.completions', chat([user('x')], { tools: [{ type: 'function', function: { name: 'f' } }] })),
      buildSemanticContext('p:v1', 'chat.completions', chat([user('x')], { max_tokens: 10 })),
    ];
    for (const v of variants) expect(v!.contextKey).not.toBe(a.contextKey);
  });

  it('has none for images, tool results, empty turns and embeddings', () => {
    expect(buildSemanticContext('p', 'chat.completions', chat([user([{ type: 'image_url', image_url: { url: 'x' } }])]))).toBeNull();
    expect(buildSemanticContext('p', 'chat.completions', chat([user('q'), { role: 'tool', content: '42', tool_call_id: 't' }]))).toBeNull();
    expect(buildSemanticContext('p', 'chat.completions', chat([user('   ')]))).toBeNull();
    expect(buildSemanticContext('p', 'embeddings', { model: 'e', input: 'x' })).toBeNull();
    expect(buildSemanticContext('p', 'responses', { model: 'm', input: 'What is DNS?' })?.text).toBe('What is DNS?');
  });
});

describe('vector index', () => {
  const vec = (seed: number, dim = 16) => {
    const v = new Float32Array(dim);
    let x = seed * 9301 + 49297;
    for (let i = 0; i < dim; i++) { x = (x * 9301 + 49297) % 233280; v[i] = x / 233280 - 0.5; }
    return normalizeVector(v);
  };

  it('finds nearest neighbours within a bucket only, and forgets removed ids', () => {
    const index = createVectorIndex();
    index.add('b1', 'a', vec(1));
    index.add('b1', 'b', vec(2));
    index.add('b2', 'c', vec(1));
    expect(index.search('b1', vec(1), 5).map((n) => n.id)).toEqual(['a', 'b']);
    expect(index.search('b1', vec(1), 5)[0]!.similarity).toBeCloseTo(1, 5);
    expect(index.search('b3', vec(1), 5)).toEqual([]);
    index.remove('a');
    expect(index.search('b1', vec(1), 5).map((n) => n.id)).toEqual(['b']);
  });

  it('answers from an HNSW graph built in steps once a bucket is big, the unbuilt tail scanned', () => {
    const steps: Array<() => void> = [];
    const index = createVectorIndex({ schedule: (fn) => steps.push(fn) });
    const n = 4200;
    for (let i = 0; i < n; i++) index.add('big', `e${i}`, vec(i + 10));
    // no step ran yet: every row is scanned
    expect(index.search('big', vec(1234 + 10), 1)[0]!.id).toBe('e1234');
    while (steps.length) steps.shift()!();
    expect(index.search('big', vec(1234 + 10), 3)[0]!.id).toBe('e1234');
    index.remove('e1234');
    expect(index.search('big', vec(1234 + 10), 3).map((x) => x.id)).not.toContain('e1234');
    index.add('big', 'late', vec(99_999));
    expect(index.search('big', vec(99_999), 1)[0]!.id).toBe('late');
  });
});
