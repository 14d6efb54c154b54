// Gradient-boosted regression trees for a binary label (log loss), grown level by level over presorted
// features. Small on purpose: a few thousand rows, a few dozen features, trees of depth 3 or 4.
import type { Tree } from '../../electron/gateway/semantic/verifier';

export interface BoostOptions {
  rounds: number;
  depth: number;
  learningRate: number;
  lambda: number;
  minChildWeight: number;
  /** per-row weights (e.g. to balance datasets); default 1 */
  weights?: number[];
}

export interface Boosted { base: number; trees: Tree[] }

export function trainBoosted(X: number[][], y: number[], opts: BoostOptions): Boosted {
  const n = X.length;
  const d = X[0]!.length;
  const w = opts.weights ?? new Array<number>(n).fill(1);
  const pos = y.reduce((s, v, i) => s + v * w[i]!, 0) / w.reduce((s, v) => s + v, 0);
  const base = Math.log(pos / (1 - pos));
  const margin = new Float64Array(n).fill(base);
  const sorted: Int32Array[] = [];
  for (let f = 0; f < d; f++) {
    const idx = Int32Array.from({ length: n }, (_, i) => i);
    idx.sort((a, b) => X[a]![f]! - X[b]![f]!);
    sorted.push(idx);
  }
  const g = new Float64Array(n);
  const h = new Float64Array(n);
  const trees: Tree[] = [];
  for (let r = 0; r < opts.rounds; r++) {
    for (let i = 0; i < n; i++) {
      const p = 1 / (1 + Math.exp(-margin[i]!));
      g[i] = (p - y[i]!) * w[i]!;
      h[i] = Math.max(p * (1 - p), 1e-6) * w[i]!;
    }
    const tree = growTree(X, sorted, g, h, opts);
    for (let i = 0; i < n; i++) margin[i] = margin[i]! + scoreRow(tree, X[i]!);
    trees.push(tree);
  }
  return { base, trees };
}

function scoreRow(t: Tree, x: number[]): number {
  let i = 0;
  while (t.feature[i]! >= 0) i = x[t.feature[i]!]! <= t.threshold[i]! ? t.left[i]! : t.right[i]!;
  return t.value[i]!;
}

function growTree(X: number[][], sorted: Int32Array[], g: Float64Array, h: Float64Array, o: BoostOptions): Tree {
  const n = X.length;
  const t: Tree = { feature: [-1], threshold: [0], left: [-1], right: [-1], value: [0] };
  const nodeOf = new Int32Array(n);
  const G: number[] = [0];
  const H: number[] = [0];
  for (let i = 0; i < n; i++) { G[0]! += g[i]!; H[0]! += h[i]!; }
  let level = [0];
  const leafValue = (node: number) => -o.learningRate * G[node]! / (H[node]! + o.lambda);
  for (let depth = 0; depth < o.depth && level.length; depth++) {
    const best = new Map<number, { gain: number; f: number; thr: number }>();
    for (const node of level) best.set(node, { gain: 0, f: -1, thr: 0 });
    for (let f = 0; f < sorted.length; f++) {
      const GL = new Map<number, number>();
      const HL = new Map<number, number>();
      const last = new Map<number, number>();
      for (const i of sorted[f]!) {
        const node = nodeOf[i]!;
        const b = best.get(node);
        if (!b) continue;
        const x = X[i]![f]!;
        const gl = GL.get(node) ?? 0;
        const hl = HL.get(node) ?? 0;
        const prev = last.get(node);
        if (prev !== undefined && x !== prev && hl >= o.minChildWeight && H[node]! - hl >= o.minChildWeight) {
          const gr = G[node]! - gl;
          const hr = H[node]! - hl;
          const gain = gl * gl / (hl + o.lambda) + gr * gr / (hr + o.lambda) - G[node]! * G[node]! / (H[node]! + o.lambda);
          if (gain > b.gain) best.set(node, { gain, f, thr: (prev + x) / 2 });
        }
        GL.set(node, gl + g[i]!);
        HL.set(node, hl + h[i]!);
        last.set(node, x);
      }
    }
    const next: number[] = [];
    for (const node of level) {
      const b = best.get(node)!;
      if (b.f < 0 || b.gain < 1e-6) continue;
      const l = t.feature.length;
      const r = l + 1;
      t.feature[node] = b.f; t.threshold[node] = b.thr; t.left[node] = l; t.right[node] = r;
      for (const c of [l, r]) { t.feature[c] = -1; t.threshold[c] = 0; t.left[c] = -1; t.right[c] = -1; t.value[c] = 0; G[c] = 0; H[c] = 0; }
      next.push(l, r);
    }
    if (!next.length) break;
    for (let i = 0; i < n; i++) {
      const node = nodeOf[i]!;
      if (t.feature[node]! < 0 || !level.includes(node)) continue;
      const child = X[i]![t.feature[node]!]! <= t.threshold[node]! ? t.left[node]! : t.right[node]!;
      nodeOf[i] = child;
      G[child]! += g[i]!;
      H[child]! += h[i]!;
    }
    level = next;
  }
  for (let node = 0; node < t.feature.length; node++) if (t.feature[node]! < 0) t.value[node] = leafValue(node);
  return t;
}
