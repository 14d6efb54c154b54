/**
 * Where the latency tail comes from. Runs the built gateway pinned like the bench (gateway on core 1, mock and
 * load on core 0), drives it with autocannon (non-streaming, cache miss) at concurrency 1 and 16, and puts side
 * by side, for the measured window: the client's p50/p99; the gateway's own traces (which stage the slowest 1 %
 * spent their time in); and what blocked its event loop, read from its /metrics (GC pauses by kind, SQLite
 * group commits). Usage: npx tsx test/bench/profile-tail.ts [seconds]
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { httpSend, runLoad } from './measure';
import { freePort } from '../support/free-port';
import { hasTaskset, makeTempDir, pinSelf, removeTempDirs, spawnNode, startMock, stopAll, stopChild, waitForLine } from './targets';

const seconds = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 5);

type Scrape = Map<string, number>;

async function scrape(adminUrl: string, token: string): Promise<Scrape> {
  const r = await httpSend('GET', `${adminUrl}/metrics`, null, { headers: { authorization: `Bearer ${token}` } });
  const out: Scrape = new Map();
  for (const line of r.text.split('\n')) {
    const m = /^(\S+?)(\{[^}]*\})?\s+(\S+)$/.exec(line);
    if (m && !line.startsWith('#')) out.set(m[1]! + (m[2] ?? ''), Number(m[3]));
  }
  return out;
}

const delta = (a: Scrape, b: Scrape, key: string) => (b.get(key) ?? 0) - (a.get(key) ?? 0);

function blockers(a: Scrape, b: Scrape): string[] {
  const lines: string[] = [];
  for (const kind of ['minor', 'incremental', 'major']) {
    const n = delta(a, b, `tollgate_nodejs_gc_duration_seconds_count{kind="${kind}"}`);
    const s = delta(a, b, `tollgate_nodejs_gc_duration_seconds_sum{kind="${kind}"}`);
    if (n > 0) lines.push(`GC ${kind}: ${n} pauses, mean ${((1000 * s) / n).toFixed(2)} ms, ${(1000 * s).toFixed(0)} ms in all`);
  }
  const n = delta(a, b, 'tollgate_store_commit_seconds_count');
  const s = delta(a, b, 'tollgate_store_commit_seconds_sum');
  const over = (le: string) => n - delta(a, b, `tollgate_store_commit_seconds_bucket{le="${le}"}`);
  if (n > 0) lines.push(`SQLite group commits: ${n}, mean ${((1000 * s) / n).toFixed(2)} ms, ${(1000 * s).toFixed(0)} ms in all; ${over('0.001')} over 1 ms, ${over('0.005')} over 5 ms (WAL checkpoints)`);
  return lines;
}

function slowestByStage(dataDir: string, count: number): string {
  const db = new Database(join(dataDir, 'tollgate.db'), { readonly: true });
  const rows = db.prepare('SELECT latency_ms, stages_json FROM traces ORDER BY seq DESC LIMIT ?').all(count) as Array<{ latency_ms: number; stages_json: string }>;
  db.close();
  rows.sort((x, y) => y.latency_ms - x.latency_ms);
  const slow = rows.slice(0, Math.max(1, Math.floor(rows.length / 100)));
  const by = new Map<string, number>();
  let total = 0;
  for (const r of slow) {
    total += r.latency_ms;
    for (const s of JSON.parse(r.stages_json) as Array<{ stage: string; ms: number }>) by.set(s.stage, (by.get(s.stage) ?? 0) + s.ms);
  }
  const median = rows[rows.length >> 1]?.latency_ms ?? NaN;
  const shares = [...by].sort((x, y) => y[1] - x[1]).slice(0, 3).map(([k, ms]) => `${k} ${((100 * ms) / total).toFixed(0)} %`).join(', ');
  return `slowest 1 % of ${rows.length} traces: mean ${(total / slow.length).toFixed(2)} ms (median trace ${median.toFixed(2)} ms); their time by stage: ${shares}`;
}

async function probe(connections: number) {
  const mock = await startMock(hasTaskset() ? 0 : null);
  const dir = makeTempDir('tollgate-tail-');
  const port = await freePort();
  const gw = spawnNode('gateway', ['out/main/cli.js', '--port', String(port), '--admin-port', String(await freePort()), '--data-dir', join(dir, 'data')],
    { core: hasTaskset() ? 1 : null, env: { ...process.env, TOLLGATE_OPENAI_BASE_URL: mock.url, OPENAI_API_KEY: 'sk-prof' } });
  const m = await waitForLine(gw, /Dashboard\s+(\S+)#token=(\S+)/, 30_000);
  const adminUrl = m[1]!.replace(/\/$/, '');
  const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello in five words.' }], temperature: 0.7 });
  const origin = `http://127.0.0.1:${port}`;
  await runLoad({ origin, body, connections, warmupS: 0, seconds: 2, pid: null }); // JIT and first-use work
  const before = await scrape(adminUrl, m[2]!);
  const r = await runLoad({ origin, body, connections, warmupS: 0, seconds, pid: gw.pid });
  const after = await scrape(adminUrl, m[2]!);
  await stopChild(gw);
  await stopAll();
  console.log(`\nc=${connections}: ${r.rps.toFixed(0)} req/s, client latency p50 ${r.p50.toFixed(3)} ms, p99 ${r.p99.toFixed(3)} ms`);
  console.log(`  ${slowestByStage(join(dir, 'data'), r.requests)}`);
  for (const line of blockers(before, after)) console.log(`  ${line}`);
}

try {
  if (hasTaskset()) pinSelf(0);
  for (const c of [1, 16]) await probe(c);
} finally {
  await stopAll();
  removeTempDirs();
}
