/**
 * Where the gateway's CPU goes on the cache-miss path: runs the gateway under `node --cpu-prof`, drives it with
 * autocannon (non-streaming and streaming, concurrency 16), stops it so V8 writes the profile, and prints the
 * top functions and files by self time. Usage: npx tsx test/bench/profile-hot-path.ts [seconds] [--keep]
 * (--keep leaves the .cpuprofile for a flame graph in Chrome DevTools or speedscope).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { runLoad } from './measure';
import { freePort } from '../support/free-port';
import { makeTempDir, removeTempDirs, ROOT, spawnNode, startMock, stopAll, stopChild, waitForLine } from './targets';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number; children?: number[] }
interface Profile { nodes: Node[]; samples: number[]; timeDeltas: number[] }

const seconds = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 5);
const keep = process.argv.includes('--keep');

function summarize(profile: Profile, top = 25) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const fn = new Map<string, number>();
  const file = new Map<string, number>();
  for (const [id, us] of self) {
    const f = byId.get(id)!.callFrame;
    const where = f.url ? relative(ROOT, f.url.replace(/^file:\/\//, '')) : '(native)';
    const key = `${f.functionName || '(anonymous)'}  ${where}:${f.lineNumber + 1}`;
    fn.set(key, (fn.get(key) ?? 0) + us);
    const group = where.includes('node_modules') ? where.split('node_modules/')[1]!.split('/').slice(0, 2).join('/') : where.startsWith('node:') ? 'node:' + where.slice(5).split('/')[0] : where;
    file.set(group, (file.get(group) ?? 0) + us);
  }
  const fmt = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top)
    .map(([k, us]) => `${((100 * us) / total).toFixed(1).padStart(5)}%  ${k}`).join('\n');
  return `total ${(total / 1000).toFixed(0)} ms sampled\n\nby function (self time):\n${fmt(fn)}\n\nby file / package:\n${fmt(file)}`;
}

async function main() {
  const mock = await startMock(null);
  const dir = makeTempDir('tollgate-prof-');
  const port = await freePort();
  const gw = spawnNode('gateway', ['--cpu-prof', '--cpu-prof-dir', dir, '--import', 'tsx', 'electron/gateway/cli.ts', '--quiet',
    '--port', String(port), '--admin-port', String(await freePort()), '--data-dir', join(dir, 'data')],
  { core: null, env: { ...process.env, TOLLGATE_OPENAI_BASE_URL: mock.url, OPENAI_API_KEY: 'sk-prof' } });
  await waitForLine(gw, /Tollgate gateway/, 30_000);
  const origin = `http://127.0.0.1:${port}`;
  const messages = [{ role: 'user', content: 'Say hello in five words.' }];
  for (const stream of [false, true]) {
    const body = JSON.stringify({ model: 'gpt-4o-mini', messages, temperature: 0.7, ...(stream ? { stream: true } : {}) });
    const r = await runLoad({ origin, body, connections: 16, warmupS: 1, seconds, pid: gw.pid });
    console.log(`${stream ? 'streaming' : 'non-streaming'}: ${r.rps.toFixed(0)} req/s, ${r.cpuMsPerReq.toFixed(3)} ms CPU/req, non-2xx ${r.non2xx}`);
  }
  await stopChild(gw);
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error('no .cpuprofile written');
  console.log(summarize(JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile));
  if (keep) console.log(`\nprofile: ${join(dir, file)}`);
}

try {
  await main();
} finally {
  await stopAll();
  if (!keep) removeTempDirs();
}
