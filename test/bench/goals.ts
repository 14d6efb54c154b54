/** The performance targets, checked against one bench run. Pure: data in, rows out. */
import type { LoadResult } from './measure';
import type { BenchData, Scenario } from './report';

export interface GoalRow { goal: string; target: string; measured: string; verdict: 'met' | 'missed' | 'n/a' }

const REF = 'bare-nodehttp';
const f = (n: number, d = 3) => (Number.isFinite(n) ? n.toFixed(d) : '–');
const verdict = (ok: boolean | null): GoalRow['verdict'] => (ok === null ? 'n/a' : ok ? 'met' : 'missed');
const geomean = (xs: number[]) => Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);

function cell(d: BenchData, scenario: Scenario, c: number, target: string): LoadResult | undefined {
  return d.cells.find((x) => x.scenario === scenario && x.connections === c && x.target === target)?.load;
}

/** "≤ 1.2× the bare passthrough's added latency"; when the bare one adds nothing (≤ 0), the gateway may not add more. */
function addedLatency(d: BenchData, scenario: Scenario, c: number, p: 'p50' | 'p99'): GoalRow | null {
  const direct = cell(d, scenario, c, 'direct');
  const bare = cell(d, scenario, c, REF);
  const miss = cell(d, scenario, c, 'tollgate-miss');
  if (!direct || !bare || !miss) return null;
  const b = bare[p] - direct[p];
  const m = miss[p] - direct[p];
  const limit = b > 0 ? 1.2 * b : b;
  return {
    goal: `added latency ${p}, ${scenario === 'chat' ? 'non-streaming' : 'streaming'}, c=${c} (cache miss)`,
    target: `≤ 1.2× bare (${f(limit)} ms)`,
    measured: `${f(m)} ms (bare ${f(b)} ms)`,
    verdict: verdict(m <= limit),
  };
}

export function goalRows(d: BenchData): GoalRow[] {
  const rows: GoalRow[] = [];
  const scenarios: Scenario[] = ['chat', 'chat-stream'];
  for (const s of scenarios) {
    for (const c of [1, 16]) {
      for (const p of ['p50', 'p99'] as const) {
        const r = addedLatency(d, s, c, p);
        if (r) rows.push(r);
      }
    }
  }
  for (const s of scenarios) {
    const ratios = d.settings.connections.map((c) => [cell(d, s, c, 'tollgate-miss'), cell(d, s, c, REF)] as const)
      .filter(([m, b]) => m && b).map(([m, b]) => m!.cpuMsPerReq / b!.cpuMsPerReq);
    if (ratios.length) {
      const g = geomean(ratios);
      rows.push({ goal: `CPU per request, ${s === 'chat' ? 'non-streaming' : 'streaming'} (geomean over concurrencies)`, target: '≤ 1.5× bare', measured: `${f(g, 2)}× bare`, verdict: verdict(g <= 1.5) });
    }
  }
  for (const s of scenarios) {
    for (const c of [16, 64]) {
      const miss = cell(d, s, c, 'tollgate-miss');
      const bare = cell(d, s, c, REF);
      const pk = cell(d, s, c, 'portkey');
      const label = `${s === 'chat' ? 'non-streaming' : 'streaming'}, c=${c}`;
      if (miss && bare) {
        rows.push({ goal: `throughput vs bare, ${label}`, target: '≥ 80 % of bare', measured: `${f((100 * miss.rps) / bare.rps, 0)} % (${f(miss.rps, 0)} vs ${f(bare.rps, 0)} req/s)`, verdict: verdict(miss.rps >= 0.8 * bare.rps) });
      }
      if (miss && pk) {
        rows.push({ goal: `throughput vs Portkey, ${label}`, target: '≥ 10× Portkey', measured: `${f(miss.rps / pk.rps, 1)}× (${f(pk.rps, 0)} req/s)`, verdict: verdict(miss.rps >= 10 * pk.rps) });
      }
    }
  }
  const t = d.ttfb;
  if (t.direct && t['tollgate-miss']) {
    const added = t['tollgate-miss'].p50 - t.direct.p50;
    rows.push({ goal: 'streaming time to first byte added, p50', target: '≤ 0.5 ms', measured: `${f(added)} ms`, verdict: verdict(added <= 0.5) });
    const reads = t['tollgate-miss'].readsPerResponse;
    const direct = t.direct.readsPerResponse;
    rows.push({ goal: 'no chunk coalescing (client reads per streamed response)', target: '≥ direct’s', measured: `${f(reads, 1)} (direct ${f(direct, 1)})`, verdict: verdict(reads >= direct * 0.95) });
  }
  for (const s of scenarios) {
    const hit = cell(d, s, 1, 'tollgate-hit');
    if (hit) rows.push({ goal: `exact-cache hit p99, ${s === 'chat' ? 'non-streaming' : 'streaming replay'}, c=1`, target: '≤ 2 ms', measured: `${f(hit.p99)} ms`, verdict: verdict(hit.p99 <= 2) });
  }
  const gw = d.memory.find((m) => m.process === 'gateway');
  if (gw) rows.push({ goal: 'RSS idle (embedder not loaded)', target: '≤ 120 MB', measured: `${f(gw.idle.rssMiB * 1.048576, 1)} MB`, verdict: verdict(gw.idle.rssMiB * 1.048576 <= 120) });
  const cold = [...d.coldStartMs].sort((a, b) => a - b);
  if (cold.length) {
    const m = cold[Math.floor((cold.length - 1) / 2)]!;
    rows.push({ goal: 'cold start to first served request (median)', target: '≤ 300 ms', measured: `${f(m, 0)} ms`, verdict: verdict(m <= 300) });
  }
  return rows;
}
