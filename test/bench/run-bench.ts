/**
 * `npm run bench`: the gateway beside the mock upstream, two bare passthrough proxies and the Portkey AI Gateway,
 * in one run. Loopback only (Portkey runs under a preload that blocks anything else), about 10 minutes on 2 cores:
 * each cell is measured `repeats` times, alternating with the other targets, and the medians are reported.
 * Prints a table and rewrites docs/benchmarks.md (only when every target served every request; otherwise it exits
 * non-zero and leaves the doc alone). `--quick`: one short repeat per cell, printed only, to check the bench works.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, release } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CHAT_PATH, combineLoads, httpPost, median, readRss, runLoad, ttfbLoop, waitForQuiet, type LoadResult } from './measure';
import { measureSemantic } from './semantic-slot';
import { consoleReport, markdownReport, type BenchData, type Cell, type Rss, type Scenario, type TargetInfo } from './report';
import {
  describeExit, gatewayEntry, hasTaskset, killAllNow, pinSelf, portkeyHeaders, removeTempDir, removeTempDirs, ROOT, startBare, startGateway,
  startMock, startPortkey, stopAll, stopChild, type Child,
} from './targets';

const { values: args } = parseArgs({ options: { quick: { type: 'boolean', default: false } } }); // throws on unknown flags: a typo must not start an 8-minute run
const QUICK = args.quick;
const SETTINGS = QUICK
  ? { warmupS: 0.5, seconds: 1, repeats: 1, connections: [1, 16, 64], ttfbN: 50, ttfbWarm: 10, prewarmS: 1 }
  : { warmupS: 1, seconds: 3, repeats: 3, connections: [1, 16, 64], ttfbN: 200, ttfbWarm: 20, prewarmS: 2 };
const SCENARIOS: Scenario[] = ['chat', 'chat-stream'];
const COLD_STARTS = QUICK ? 1 : 3;
/** Other work on the machine (tests, builds) skews a cell: wait for it to pass, within these budgets. */
const QUIET = { perCellMs: 4000, totalMs: 30_000, noisyCores: 0.15 };
/** A skewed cell is measured once more (after waiting for quiet) while the run is younger than this. */
const RETRY_UNTIL_S = QUICK ? 0 : 480;

const messages = [{ role: 'user', content: 'Say hello in five words.' }];
const bodyOf = (temperature: number, stream: boolean) => JSON.stringify({ model: 'gpt-4o-mini', messages, temperature, ...(stream ? { stream: true } : {}) });

interface Target extends TargetInfo { origin: string; child: Child; temperature: number; headers?: Record<string, string> }

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pkg = (path: string) => (JSON.parse(readFileSync(join(ROOT, path), 'utf8')) as { version: string }).version;

function machine(nproc: number, pinning: string): BenchData['machine'] {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const cpu = cpuinfo.match(/^model name\s*:\s*(.+)$/m)?.[1]?.trim() ?? 'unknown CPU';
  return { nproc, cpu, node: process.version, kernel: release(), pinning };
}

/** One request of each kind per target before any load: answers must be real answers. */
const SEMANTIC_SECTION = '## Semantic cache (measured separately; not written by `npm run bench`)';

async function smokeCheck(t: Target, checks: string[], failures: string[]) {
  const url = t.origin + CHAT_PATH;
  const plain = await httpPost(url, bodyOf(t.temperature, false), t.headers);
  const answer = plain.status === 200 ? (JSON.parse(plain.text) as { choices?: Array<{ message?: { content?: string } }> }) : null;
  if (!answer?.choices?.[0]?.message?.content) failures.push(`${t.id}: non-streaming answer ${plain.status}: ${plain.text.slice(0, 200)}`);
  const stream = await httpPost(url, bodyOf(t.temperature, true), t.headers);
  if (stream.status !== 200 || !stream.text.includes('data: [DONE]')) failures.push(`${t.id}: streaming answer ${stream.status}: ${stream.text.slice(0, 200)}`);
  if (t.id === 'tollgate-miss') {
    const h = plain.headers['x-tollgate-cache'];
    checks.push(`tollgate-miss: \`x-tollgate-cache: ${String(h)}\` (${String(plain.headers['x-tollgate-cache-reason'])}), so every request goes upstream`);
    if (h !== 'bypass') failures.push(`tollgate-miss: expected x-tollgate-cache: bypass, got ${String(h)}`);
  }
}

/** Warms the exact cache with the deterministic request and proves the next ones are hits. */
async function warmHit(t: Target, checks: string[], failures: string[]) {
  const url = t.origin + CHAT_PATH;
  const first = await httpPost(url, bodyOf(0, false));
  let plain = first;
  for (let i = 0; i < 50 && plain.headers['x-tollgate-cache'] !== 'hit'; i++) { await sleep(20); plain = await httpPost(url, bodyOf(0, false)); }
  const stream = await httpPost(url, bodyOf(0, true));
  const ok = plain.headers['x-tollgate-cache'] === 'hit' && stream.headers['x-tollgate-cache'] === 'hit';
  checks.push(`tollgate-hit: warm-up answered \`x-tollgate-cache: ${String(first.headers['x-tollgate-cache'])}\`, then \`hit\` ` +
    `for the non-streaming (${String(plain.headers['x-tollgate-cache'])}) and streaming (${String(stream.headers['x-tollgate-cache'])}) requests`);
  if (!ok) failures.push('tollgate-hit: the deterministic request was not answered from the cache');
}

function cellFailures(c: Cell): string | null {
  const r = c.load;
  if (r.non2xx === 0 && r.errors === 0 && r.timeouts === 0 && r.requests > 0) return null;
  return `${c.target} ${c.scenario} c=${c.connections}: ${r.requests} ok, ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts`;
}

async function coldStarts(mockUrl: string, core: number | null): Promise<{ gateway: number[]; portkey: number[] }> {
  const gateway: number[] = [];
  const portkey: number[] = [];
  for (let i = 0; i < COLD_STARTS; i++) {
    const gw = await startGateway(mockUrl, core);
    gateway.push(gw.readyMs);
    await stopChild(gw.child);
    removeTempDir(gw.dataDir);
    const pk = await startPortkey(mockUrl, core);
    portkey.push(pk.readyMs);
    await stopChild(pk.child);
  }
  return { gateway, portkey };
}

async function main(): Promise<number> {
  const started = performance.now();
  const nproc = availableParallelism(); // before pinning: afterwards it reports the pinned set
  const pin = hasTaskset() && nproc >= 2;
  const pinned = pin && pinSelf(0);
  const [loadCore, proxyCore] = pinned ? [0, 1] : [null, null];
  const pinning = pinned
    ? 'taskset: load generator (the bench process) and mock on core 0, each proxy under test on core 1'
    : 'none (taskset missing or fewer than 2 cores): all processes share the cores';
  const checks: string[] = [];
  const failures: string[] = [];
  console.log(`Starting targets (${pinning})…`);

  const mock = await startMock(loadCore);
  const bareU = await startBare('undici', mock.origin, proxyCore);
  const bareN = await startBare('nodehttp', mock.origin, proxyCore);
  const entry = gatewayEntry();
  const gw = await startGateway(mock.url, proxyCore);
  console.log(`gateway: ${entry.label}, ready in ${gw.readyMs.toFixed(0)} ms`);
  const pk = await startPortkey(mock.url, proxyCore);
  console.log(`portkey: @portkey-ai/gateway ${pk.version}, ready in ${pk.readyMs.toFixed(0)} ms`);

  const targets: Target[] = [
    { id: 'direct', what: 'the mock upstream itself (test/bench/mock-server.ts)', process: 'mock', origin: mock.origin, child: mock.child, temperature: 0.7 },
    { id: 'bare-undici', what: 'bare passthrough, `node:http` in, undici `Agent.request` out (test/bench/bare-proxy.ts)', process: 'bare-undici', origin: bareU.origin, child: bareU.child, temperature: 0.7 },
    { id: 'bare-nodehttp', what: 'the same bare passthrough with `node:http` + keep-alive `http.Agent` out', process: 'bare-nodehttp', origin: bareN.origin, child: bareN.child, temperature: 0.7 },
    { id: 'tollgate-miss', what: 'the real gateway CLI, all features on, cache miss path (`temperature: 0.7`)', process: 'gateway', origin: gw.origin, child: gw.child, temperature: 0.7 },
    { id: 'tollgate-hit', what: 'the same gateway answering a deterministic request (`temperature: 0`) from the exact cache', process: 'gateway', origin: gw.origin, child: gw.child, temperature: 0 },
    {
      id: 'portkey', what: `the Portkey AI Gateway ${pk.version} from npm (\`build/start-server.js --headless\`, \`x-portkey-provider: openai\`, \`x-portkey-custom-host: <mock>/v1\`), outbound traffic other than loopback blocked`,
      process: 'portkey', origin: pk.origin, child: pk.child, temperature: 0.7, headers: portkeyHeaders(mock.url),
    },
  ];
  const procs = [mock.child, bareU.child, bareN.child, gw.child, pk.child];

  await sleep(1000);
  const idle = new Map<Child, Rss>(procs.map((c) => [c, readRss(c.pid)]));

  for (const t of targets) await smokeCheck(t, checks, failures);
  await warmHit(targets.find((t) => t.id === 'tollgate-hit')!, checks, failures);
  if (failures.length) throw new Error(`targets failed the smoke check:\n  ${failures.join('\n  ')}`);

  // One-off warm-up of every target in both scenarios: a fresh process's first seconds (JIT, pools, SQLite
  // pages) otherwise land in whichever cell comes first and make concurrency 1 look twice as slow.
  console.log(`Warming every target (${SETTINGS.prewarmS} s per scenario at concurrency 16)…`);
  for (const t of targets) {
    for (const scenario of SCENARIOS) {
      const body = bodyOf(t.temperature, scenario === 'chat-stream');
      const r = await runLoad({ origin: t.origin, body, connections: 16, warmupS: 0, seconds: SETTINGS.prewarmS, pid: null, headers: t.headers });
      if (r.non2xx || r.errors || r.timeouts) failures.push(`${t.id} ${scenario} warm-up: ${r.non2xx} non-2xx, ${r.errors + r.timeouts} errors`);
    }
  }

  const cells: Cell[] = [];
  const total = SCENARIOS.length * SETTINGS.connections.length * targets.length * SETTINGS.repeats;
  const watch = procs.map((c) => c.pid);
  let k = 0;
  let waitedMs = 0;
  let retried = 0;
  let round = 0;
  const measureOnce = async (t: Target, scenario: Scenario, connections: number): Promise<LoadResult> => {
    let load: LoadResult | null = null;
    for (let attempt = 0; attempt < 2; attempt++) {
      if (waitedMs < QUIET.totalMs) waitedMs += await waitForQuiet(watch, Math.min(QUIET.perCellMs, QUIET.totalMs - waitedMs));
      const dead = procs.find((c) => c.exit);
      if (dead) throw new Error(`a target process died: ${describeExit(dead)}`);
      load = await runLoad({
        origin: t.origin, body: bodyOf(t.temperature, scenario === 'chat-stream'), connections,
        warmupS: SETTINGS.warmupS, seconds: SETTINGS.seconds, pid: t.child.pid, watch, headers: t.headers,
      });
      if (load.otherCores <= QUIET.noisyCores || (performance.now() - started) / 1000 > RETRY_UNTIL_S) break;
      console.log(`  ${t.id} c=${connections} ${scenario}: other processes used ${load.otherCores.toFixed(2)} cores, measuring again`);
      retried++;
    }
    if (!load) throw new Error('unreachable: no measurement');
    console.log(`[${++k}/${total}] ${scenario.padEnd(11)} c=${String(connections).padEnd(2)} ${t.id.padEnd(13)} ` +
      `${load.rps.toFixed(0).padStart(6)} req/s  p50 ${load.p50.toFixed(3)} ms  p99 ${load.p99.toFixed(3)} ms  ` +
      `CPU ${load.cpuMsPerReq.toFixed(3)} ms/req  other ${load.otherCores.toFixed(2)}`);
    return load;
  };
  for (const scenario of SCENARIOS) {
    for (const connections of SETTINGS.connections) {
      // A/B alternation: every repeat runs each target once, in an order rotated per round, so slow drifts in
      // machine noise land on all targets alike; the cell is the median of its repeats
      const runs = new Map<string, LoadResult[]>(targets.map((t) => [t.id, []]));
      for (let rep = 0; rep < SETTINGS.repeats; rep++, round++) {
        const order = targets.map((_, i) => targets[(i + round) % targets.length]!);
        for (const t of order) runs.get(t.id)!.push(await measureOnce(t, scenario, connections));
      }
      for (const t of targets) {
        const cell: Cell = { scenario, connections, target: t.id, load: combineLoads(runs.get(t.id)!) };
        cells.push(cell);
        const bad = cellFailures(cell);
        if (bad) failures.push(bad);
      }
    }
  }

  console.log('Time to first byte…');
  const ttfb: BenchData['ttfb'] = {};
  for (const t of targets) {
    await waitForQuiet(watch, 2000);
    const r = await ttfbLoop(t.origin, bodyOf(t.temperature, true), SETTINGS.ttfbN, SETTINGS.ttfbWarm, t.headers);
    ttfb[t.id] = r;
    if (r.failures) failures.push(`${t.id}: ${r.failures} non-200 answers in the TTFB loop`);
  }
  const noisy = cells.filter((c) => c.load.otherCores > QUIET.noisyCores);
  if (noisy.length) {
    checks.push(`**${noisy.length} of ${cells.length} cells ran while processes outside the bench used more than ${QUIET.noisyCores} of a core** ` +
      `(marked * in "other CPU"; the bench waited ${(waitedMs / 1000).toFixed(0)} s in all for quiet and re-measured ${retried} cells): treat those cells as skewed, rerun on a quiet machine`);
  } else {
    checks.push(`the machine was quiet: no cell saw more than ${QUIET.noisyCores} of a core used outside the bench (waited ${(waitedMs / 1000).toFixed(0)} s for quiet, re-measured ${retried} cells)`);
  }
  const memory = procs.map((c) => ({ process: c.name, idle: idle.get(c)!, after: readRss(c.pid) }));

  console.log('Semantic cache slot…');
  const semantic = await measureSemantic(gw.origin, gw.adminOrigin, gw.dataDir);
  console.log(`  ${semantic.note}`);

  console.log('Cold starts…');
  const cold = await coldStarts(mock.url, proxyCore);
  const coldStartMs = cold.gateway;

  const data: BenchData = {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    wallS: (performance.now() - started) / 1000,
    machine: machine(nproc, pinning),
    versions: {
      tollgate: pkg('package.json'), undici: pkg('node_modules/undici/package.json'), autocannon: pkg('node_modules/autocannon/package.json'),
      portkey: pk.version,
    },
    quick: QUICK,
    semantic,
    portkeyColdStartMs: cold.portkey,
    gatewayEntry: entry.label,
    settings: { ...SETTINGS, noisyCores: QUIET.noisyCores },
    targets: targets.map(({ id, what, process }) => ({ id, what, process })),
    cells, ttfb, memory, coldStartMs, checks, failures,
  };
  data.checks.push(`cold start median ${median(coldStartMs).toFixed(0)} ms over ${COLD_STARTS} spawns (Portkey: ${median(cold.portkey).toFixed(0)} ms)`);
  const blocked = pk.child.output.filter((l) => l.startsWith('loopback-only: blocked'));
  data.checks.push(blocked.length ? `Portkey tried ${blocked.length} outbound connection(s) off loopback, all blocked: ${[...new Set(blocked)].slice(0, 3).join('; ')}`
    : 'Portkey made no outbound connection attempt off loopback');
  console.log(`\n${consoleReport(data)}`);
  if (failures.length) {
    console.error('\nSome targets failed to serve: docs/benchmarks.md was NOT updated.');
    return 1;
  }
  if (QUICK) {
    console.log('\n--quick: docs/benchmarks.md was not updated (one short repeat per cell is a smoke check, not a measurement).');
    return 0;
  }
  writeFileSync(join(ROOT, 'docs/benchmarks.md'), markdownReport(data) + keptSection(join(ROOT, 'docs/benchmarks.md')));
  console.log('\nWrote docs/benchmarks.md');
  return 0;
}

let cleaning: Promise<void> | null = null;
function cleanup(): Promise<void> {
  cleaning ??= stopAll().catch(() => killAllNow()).finally(removeTempDirs);
  return cleaning;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    console.error(`\n${signal}: stopping the bench's processes…`);
    void cleanup().finally(() => process.exit(130));
  });
}
process.on('exit', () => { killAllNow(); removeTempDirs(); });

let code = 1;
try {
  code = await main();
} catch (err) {
  console.error(`bench failed: ${(err as Error).stack ?? String(err)}`);
  code = 1;
} finally {
  await cleanup();
}
process.exit(code);

/** The semantic-cache section is measured by other commands (see it); a bench run keeps it as it is. */
function keptSection(file: string): string {
  let old = '';
  try { old = readFileSync(file, 'utf8'); } catch { return ''; }
  const at = old.indexOf(SEMANTIC_SECTION);
  return at < 0 ? '' : '\n' + old.slice(at);
}
