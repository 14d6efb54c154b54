/**
 * Spawning and stopping the bench's child processes (mock, bare proxies, gateway), CPU pinning,
 * temp dirs. Everything started here is registered, so stopAll() / removeTempDirs() can undo it on any exit.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { httpGet, httpPost } from './measure';
import { freePort } from '../support/free-port';

export const ROOT = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');

export interface Child {
  name: string;
  pid: number;
  proc: ChildProcess;
  /** last lines of stdout + stderr, for error reports */
  output: string[];
  exit: { code: number | null; signal: NodeJS.Signals | null } | null;
  /** set when we asked it to stop, so an exit is not reported as a crash */
  stopping: boolean;
}

const children = new Set<Child>();
const tempDirs = new Set<string>();

let tasksetOk: boolean | null = null;
export function hasTaskset(): boolean {
  tasksetOk ??= spawnSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' }).status === 0;
  return tasksetOk;
}

/** Pins this process (all its threads: autocannon runs here) to one core. */
export function pinSelf(core: number): boolean {
  return spawnSync('taskset', ['-a', '-p', '-c', String(core), String(process.pid)], { stdio: 'ignore' }).status === 0;
}

/** Runs `node <args>` (under `taskset -c core` when pinning): taskset execs, so the pid is node's own. */
export function spawnNode(name: string, args: string[], opts: { core: number | null; env?: NodeJS.ProcessEnv }): Child {
  const [cmd, argv] = opts.core !== null
    ? ['taskset', ['-c', String(opts.core), process.execPath, ...args]]
    : [process.execPath, args];
  const proc = spawn(cmd, argv, { cwd: ROOT, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const child: Child = { name, pid: proc.pid ?? -1, proc, output: [], exit: null, stopping: false };
  const keep = (buf: Buffer) => {
    for (const line of buf.toString('utf8').split('\n')) {
      if (!line) continue;
      child.output.push(line);
      if (child.output.length > 40) child.output.shift();
    }
  };
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  proc.on('exit', (code, signal) => { child.exit = { code, signal }; children.delete(child); });
  proc.on('error', (err) => { child.output.push(`spawn error: ${err.message}`); child.exit ??= { code: -1, signal: null }; });
  children.add(child);
  return child;
}

export function describeExit(child: Child): string {
  const e = child.exit;
  const how = e ? (e.signal ? `signal ${e.signal}` : `code ${e.code}`) : 'still running';
  return `${child.name} (pid ${child.pid}, ${how}). Last output:\n  ${child.output.slice(-15).join('\n  ')}`;
}

/** Resolves with the first stdout match of `re`; rejects if the child exits or the time runs out. */
export function waitForLine(child: Child, re: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const done = (err: Error | null, m?: RegExpMatchArray) => {
      clearTimeout(timer);
      child.proc.stdout!.off('data', onData);
      child.proc.off('exit', onExit);
      if (err) reject(err); else resolve(m!);
    };
    const onData = (buf: Buffer) => {
      buffered += buf.toString('utf8');
      const m = buffered.match(re);
      if (m) done(null, m);
    };
    const onExit = () => done(new Error(`${describeExit(child)}`));
    const timer = setTimeout(() => done(new Error(`timed out waiting for ${re} from ${describeExit(child)}`)), timeoutMs);
    child.proc.stdout!.on('data', onData);
    child.proc.on('exit', onExit);
  });
}

export async function stopChild(child: Child, graceMs = 5000): Promise<void> {
  if (child.exit) return;
  child.stopping = true;
  const exited = new Promise<void>((resolve) => child.proc.once('exit', () => resolve()));
  child.proc.kill('SIGTERM');
  const timer = setTimeout(() => child.proc.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export async function stopAll(): Promise<void> {
  await Promise.all([...children].map((c) => stopChild(c)));
}

/** Last resort in a synchronous exit path: no waiting, just SIGKILL whatever is left. */
export function killAllNow(): void {
  for (const c of children) { c.stopping = true; c.proc.kill('SIGKILL'); }
}

export function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}

export function removeTempDirs(): void {
  for (const dir of [...tempDirs]) removeTempDir(dir);
}

const TSX = ['--import', 'tsx'];

export async function startMock(core: number | null): Promise<{ child: Child; url: string; origin: string }> {
  const child = spawnNode('mock', [...TSX, 'test/bench/mock-server.ts', '0'], { core });
  const m = await waitForLine(child, /READY (\S+)/, 20_000);
  const url = m[1]!;
  return { child, url, origin: new URL(url).origin };
}

export async function startBare(client: 'undici' | 'nodehttp', upstreamOrigin: string, core: number | null) {
  const child = spawnNode(`bare-${client}`, [...TSX, 'test/bench/bare-proxy.ts', '--client', client, '--upstream', upstreamOrigin], { core });
  const m = await waitForLine(child, /READY (\S+)/, 20_000);
  return { child, origin: m[1]! };
}

function newestSourceMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceMtime(path));
    else if (/\.tsx?$/.test(entry.name) && !/\.(d|test)\.tsx?$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** The built CLI when it is newer than every gateway/shared source; else the sources through tsx. */
export function gatewayEntry(): { args: string[]; label: string } {
  const built = join(ROOT, 'out/main/cli.js');
  let builtAt = 0;
  try { builtAt = statSync(built).mtimeMs; } catch { /* not built */ }
  const sourcesAt = Math.max(newestSourceMtime(join(ROOT, 'electron/gateway')), newestSourceMtime(join(ROOT, 'shared')));
  if (builtAt > sourcesAt) return { args: [relative(ROOT, built)], label: 'node out/main/cli.js (built bundle, newer than the sources)' };
  return {
    args: [...TSX, 'electron/gateway/cli.ts'],
    label: 'tsx electron/gateway/cli.ts (as `node --import tsx`, one process, so its CPU is the gateway\'s)',
  };
}

export interface PortkeyProc { child: Child; origin: string; readyMs: number; version: string }

/** The headers that point Portkey at the mock: its OpenAI provider with a custom host (loopback is trusted). */
export function portkeyHeaders(mockUrl: string): Record<string, string> {
  return { 'x-portkey-provider': 'openai', 'x-portkey-custom-host': mockUrl };
}

/**
 * The Portkey AI Gateway from node_modules (build/start-server.js), headless, under the loopback-only preload
 * (no outbound traffic but to the mock; bound to 127.0.0.1). readyMs: spawn → first served chat completion.
 */
export async function startPortkey(mockUrl: string, core: number | null): Promise<PortkeyProc> {
  const dir = join(ROOT, 'node_modules/@portkey-ai/gateway');
  const version = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  const port = await freePort();
  const started = performance.now();
  const child = spawnNode('portkey', ['--import', './test/bench/loopback-only.mjs', join(dir, 'build/start-server.js'), `--port=${port}`, '--headless'],
    { core, env: { ...process.env, NODE_ENV: 'production' } });
  const origin = `http://127.0.0.1:${port}`;
  const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'ready?' }] });
  const deadline = started + 30_000;
  for (;;) {
    if (child.exit) throw new Error(`portkey exited during start: ${describeExit(child)}`);
    try {
      const res = await httpPost(origin + '/v1/chat/completions', body, portkeyHeaders(mockUrl));
      if (res.status === 200) return { child, origin, readyMs: performance.now() - started, version };
      throw new Error(`portkey answered ${res.status}: ${res.text.slice(0, 300)}`);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ECONNREFUSED' && code !== 'ECONNRESET') throw err;
    }
    if (performance.now() > deadline) throw new Error(`portkey not ready after 30 s: ${describeExit(child)}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export interface GatewayProc { child: Child; origin: string; adminOrigin: string; dataDir: string; readyMs: number }

/**
 * Spawns the real CLI on free loopback ports and waits until GET /v1/models answers 200 (through to the mock).
 * readyMs: spawn → that first successful response.
 */
export async function startGateway(mockUrl: string, core: number | null, dataDir = makeTempDir('tollgate-bench-')): Promise<GatewayProc> {
  const [port, adminPort] = [await freePort(), await freePort()];
  const entry = gatewayEntry();
  const env = { ...process.env, TOLLGATE_OPENAI_BASE_URL: mockUrl, OPENAI_API_KEY: 'sk-bench' };
  const started = performance.now();
  const child = spawnNode('gateway', [...entry.args, '--port', String(port), '--admin-port', String(adminPort), '--data-dir', dataDir], { core, env });
  const origin = `http://127.0.0.1:${port}`;
  const deadline = started + 30_000;
  for (;;) {
    if (child.exit) throw new Error(`gateway exited during start: ${describeExit(child)}`);
    try {
      const res = await httpGet(origin + '/v1/models', 1000);
      if (res.status === 200) return { child, origin, adminOrigin: `http://127.0.0.1:${adminPort}`, dataDir, readyMs: performance.now() - started };
      throw new Error(`GET /v1/models answered ${res.status}: ${res.text.slice(0, 300)}`);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ECONNREFUSED' && code !== 'ECONNRESET') throw err;
    }
    if (performance.now() > deadline) throw new Error(`gateway not ready after 30 s: ${describeExit(child)}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
