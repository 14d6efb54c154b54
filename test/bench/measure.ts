/**
 * Measuring: load cells with autocannon (latencies captured per response, at sub-millisecond precision),
 * CPU and memory of a process from /proc, and time to first byte with plain node:http.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import autocannon from 'autocannon';

export const CHAT_PATH = '/v1/chat/completions';
export const JSON_HEADERS = { 'content-type': 'application/json', authorization: 'Bearer sk-bench' };

// ---------- /proc ----------

let clkTck = 0;
function ticksPerSecond(): number {
  if (!clkTck) clkTck = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
  return clkTck;
}

/** utime + stime of the whole process (all threads), in ms. */
export function readCpuMs(pid: number): number {
  let stat: string;
  try { stat = readFileSync(`/proc/${pid}/stat`, 'utf8'); } catch { throw new Error(`process ${pid} has exited (no /proc/${pid}/stat)`); }
  // fields after "(comm)": state is field 3, utime 14, stime 15
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond();
}

/** Busy CPU time of the whole machine (all cores, excluding idle and iowait), in ms. */
export function readMachineBusyMs(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = line;
  return ((user + nice + system + irq + softirq + steal) * 1000) / ticksPerSecond();
}

export interface CpuSnapshot { at: number; machine: number; ours: number }

/** Machine CPU and the bench's own (this process + the given pids), to tell how much ran outside the bench. */
export function cpuSnapshot(pids: number[]): CpuSnapshot {
  let ours = 0;
  for (const pid of pids) { try { ours += readCpuMs(pid); } catch { /* exited */ } }
  const self = process.cpuUsage();
  return { at: performance.now(), machine: readMachineBusyMs(), ours: ours + (self.user + self.system) / 1000 };
}

/** Cores used by processes outside the bench between two snapshots (kernel-side networking shows up as a little). */
export function foreignCores(a: CpuSnapshot, b: CpuSnapshot): number {
  return Math.max(0, (b.machine - a.machine) - (b.ours - a.ours)) / (b.at - a.at);
}

/** Waits (up to maxWaitMs) for other processes to leave the machine quiet; returns how long it waited. */
export async function waitForQuiet(pids: number[], maxWaitMs: number, limitCores = 0.2): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    const a = cpuSnapshot(pids);
    await new Promise((r) => setTimeout(r, 300));
    if (foreignCores(a, cpuSnapshot(pids)) < limitCores || performance.now() - t0 >= maxWaitMs) return performance.now() - t0;
  }
}

/** VmRSS and VmHWM (peak) in MiB. */
export function readRss(pid: number): { rssMiB: number; peakMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(status.match(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm'))?.[1] ?? NaN);
  return { rssMiB: kb('VmRSS') / 1024, peakMiB: kb('VmHWM') / 1024 };
}

// ---------- statistics ----------

export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function median(values: number[]): number {
  return percentile(Float64Array.from(values).sort(), 50);
}

// ---------- load (autocannon) ----------

export interface LoadResult {
  /** 2xx responses in the measured window */
  requests: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** CPU of the process under test per 2xx response, ms (NaN without a pid) */
  cpuMsPerReq: number;
  /** that process's CPU use in the window, in cores (1.0 = one core busy) */
  cpuCores: number;
  /** cores used by processes outside the bench during the window (other work on the machine) */
  otherCores: number;
}

interface Shot { url: string; body: string; connections: number; seconds: number; headers?: Record<string, string> }

async function shoot(s: Shot, onResponse?: (status: number, ms: number) => void) {
  const instance = autocannon({
    url: s.url, connections: s.connections, duration: s.seconds, pipelining: 1, timeout: 10,
    method: 'POST', headers: { ...JSON_HEADERS, ...s.headers }, body: s.body,
  });
  if (onResponse) instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => onResponse(status, ms));
  return await instance;
}

/** One cell: warm-up run (discarded), then the measured run with CPU read around it. */
export async function runLoad(opts: {
  origin: string; body: string; connections: number; warmupS: number; seconds: number; pid: number | null; watch?: number[];
  headers?: Record<string, string>;
}): Promise<LoadResult> {
  const url = opts.origin + CHAT_PATH;
  const headers = opts.headers;
  if (opts.warmupS > 0) await shoot({ url, body: opts.body, connections: opts.connections, seconds: opts.warmupS, headers });
  const latencies: number[] = [];
  let non2xx = 0;
  const machineBefore = cpuSnapshot(opts.watch ?? []);
  const cpuBefore = opts.pid ? readCpuMs(opts.pid) : NaN;
  const t0 = performance.now();
  const result = await shoot({ url, body: opts.body, connections: opts.connections, seconds: opts.seconds, headers }, (status, ms) => {
    if (status >= 200 && status < 300) latencies.push(ms);
    else non2xx++;
  });
  const wallMs = performance.now() - t0;
  const cpuMs = opts.pid ? readCpuMs(opts.pid) - cpuBefore : NaN;
  const otherCores = foreignCores(machineBefore, cpuSnapshot(opts.watch ?? []));
  const sorted = Float64Array.from(latencies).sort();
  return {
    requests: sorted.length,
    rps: sorted.length / (wallMs / 1000),
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    non2xx: Math.max(non2xx, result.non2xx),
    errors: result.errors,
    timeouts: result.timeouts,
    cpuMsPerReq: sorted.length ? cpuMs / sorted.length : NaN,
    cpuCores: cpuMs / wallMs,
    otherCores,
  };
}

/** Several measurements of one cell (alternating with the other targets) as one: medians, failures summed. */
export function combineLoads(runs: LoadResult[]): LoadResult {
  const med = (k: keyof LoadResult) => median(runs.map((r) => r[k]));
  const sum = (k: keyof LoadResult) => runs.reduce((n, r) => n + r[k], 0);
  return {
    requests: sum('requests'), rps: med('rps'), p50: med('p50'), p90: med('p90'), p99: med('p99'),
    non2xx: sum('non2xx'), errors: sum('errors'), timeouts: sum('timeouts'),
    cpuMsPerReq: med('cpuMsPerReq'), cpuCores: med('cpuCores'), otherCores: Math.max(...runs.map((r) => r.otherCores)),
  };
}

// ---------- plain requests ----------

export interface SimpleResponse { status: number; headers: IncomingHttpHeaders; text: string }

export function httpSend(method: string, url: string, body: string | null, opts: { timeoutMs?: number; agent?: Agent; headers?: Record<string, string> } = {}): Promise<SimpleResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent: opts.agent ?? false, headers: { ...(body !== null ? JSON_HEADERS : {}), ...opts.headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(opts.timeoutMs ?? 10_000, () => req.destroy(new Error(`${method} ${url} timed out`)));
    req.end(body ?? undefined);
  });
}

export const httpGet = (url: string, timeoutMs?: number) => httpSend('GET', url, null, { timeoutMs });
export const httpPost = (url: string, body: string, headers?: Record<string, string>) => httpSend('POST', url, body, { headers });

// ---------- time to first byte ----------

export interface TtfbResult {
  n: number; p50: number; p99: number; failures: number;
  /** body reads per response at the client: fewer than direct would mean the proxy coalesces SSE frames */
  readsPerResponse: number;
}

/** Sequential streaming requests on one keep-alive connection: request sent → first body byte. */
export async function ttfbLoop(origin: string, body: string, n: number, warm: number, headers: Record<string, string> = {}): Promise<TtfbResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const samples: number[] = [];
  let failures = 0;
  let reads = 0;
  try {
    for (let i = 0; i < warm + n; i++) {
      const ms = await new Promise<number>((resolve, reject) => {
        const t0 = performance.now();
        let first = NaN;
        const req = request(origin + CHAT_PATH, { method: 'POST', agent, headers: { ...JSON_HEADERS, ...headers } }, (res) => {
          if (res.statusCode !== 200) failures++;
          res.once('data', () => { first = performance.now() - t0; });
          res.on('data', () => { if (i >= warm) reads++; });
          res.on('end', () => resolve(first));
          res.on('error', reject);
        });
        req.on('error', reject);
        req.setTimeout(10_000, () => req.destroy(new Error('TTFB request timed out')));
        req.end(body);
      });
      if (i >= warm) samples.push(ms);
    }
  } finally {
    agent.destroy();
  }
  const sorted = Float64Array.from(samples).sort();
  return { n: samples.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), failures, readsPerResponse: reads / Math.max(1, samples.length) };
}
