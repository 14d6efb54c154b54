import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../support/mock-upstream';
import { eventually } from '../support/start-gateway';
import { freePort } from '../support/free-port';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = 'electron/gateway/cli.ts';
const CLIENT_ENV_KEY = 'sk-test-cli-0123456789abcdef';

interface Cli {
  proc: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}
interface Started extends Cli { proxyUrl: string; adminUrl: string; dashboardUrl: string; token: string }

const live = new Set<ChildProcess>();
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const proc of live) {
    try { process.kill(-proc.pid!, 'SIGKILL'); } catch { /* already gone */ }
  }
  live.clear();
  for (const fn of cleanups.splice(0)) await fn();
});

/**
 * `npx tsx` for one-shot runs, exactly as a user types it. Runs that get signals use `node --import tsx`
 * (the same loader in one process): npx puts npm, sh and tsx's own parent in front of the gateway, so a
 * signal sent to npx is not forwarded, its exit status is npm's, and kill -9 of it would orphan the gateway.
 */
function spawnCli(args: string[], env: Record<string, string>, via: 'npx' | 'node' = 'npx'): Cli {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) =>
    !/^(TOLLGATE_|OPENAI_|NODE_OPTIONS$|VITEST)/.test(k))) as Record<string, string>;
  const [cmd, pre] = via === 'npx' ? ['npx', ['tsx']] : [process.execPath, ['--import', 'tsx']];
  const proc = spawn(cmd, [...pre, CLI, ...args], { cwd: ROOT, env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  live.add(proc);
  let out = '';
  proc.stdout!.on('data', (c: Buffer) => { out += c.toString('utf8'); });
  proc.stderr!.on('data', (c: Buffer) => { out += c.toString('utf8'); });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    proc.on('exit', (code, signal) => { live.delete(proc); resolve({ code, signal }); });
  });
  return { proc, output: () => out, exited };
}

async function waitForStart(cli: Cli): Promise<Started> {
  let gone = false;
  void cli.exited.then(() => { gone = true; });
  const m = await eventually(async () => {
    if (gone) throw new Error(`the CLI exited before it was ready:\n${cli.output()}`);
    return /Tollgate gateway\s+(\S+)\n.*?Dashboard\s+(\S+)/s.exec(cli.output());
  }, 20_000);
  const dashboardUrl = m[2]!;
  const token = /#token=([^&\s]+)$/.exec(dashboardUrl)?.[1] ?? '';
  return { ...cli, proxyUrl: m[1]!, dashboardUrl, adminUrl: dashboardUrl.replace(/\/#.*$/, ''), token };
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-cli-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function mockUpstream(): Promise<MockUpstream> {
  const mock = await startMockUpstream({ quiet: true });
  cleanups.push(() => mock.close());
  return mock;
}

function envFor(mock: MockUpstream): Record<string, string> {
  // OPENAI_BASE_URL points the user's code at Tollgate; the gateway must never use it for its own upstream
  return { TOLLGATE_OPENAI_BASE_URL: mock.url, OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', OPENAI_API_KEY: CLIENT_ENV_KEY };
}

const admin = (cli: Started, path: string) => fetch(`${cli.adminUrl}${path}`, { headers: { authorization: `Bearer ${cli.token}` } });
const traceCount = async (cli: Started) => ((await (await admin(cli, '/admin/v1/traces?limit=1000')).json()) as { items: unknown[] }).items.length;
const ask = (cli: Started, content: string) => new OpenAI({ baseURL: cli.proxyUrl, apiKey: 'tollgate', maxRetries: 0 })
  .chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], temperature: 0 });

describe('headless CLI', () => {
  it('prints the gateway and dashboard URLs and proxies to TOLLGATE_OPENAI_BASE_URL', { timeout: 30_000 }, async () => {
    const mock = await mockUpstream();
    const dataDir = tempDir();
    const cli = await waitForStart(spawnCli(['--port', '0', '--admin-port', '0', '--data-dir', dataDir], envFor(mock)));
    expect(cli.proxyUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(cli.dashboardUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[^&\s]+$/);
    expect(cli.dashboardUrl).not.toContain('?');
    expect(cli.output()).toMatch(/^Dashboard\s+http:\/\/127\.0\.0\.1:\d+\/#token=\S+$/m);
    expect(cli.token).toBe(readFileSync(join(dataDir, 'admin-token'), 'utf8').trim());
    expect((await admin(cli, '/admin/v1/health')).status).toBe(200);
    expect((await fetch(`${cli.adminUrl}/admin/v1/health`)).status).toBe(401);

    const answer = await ask(cli, 'hello cli');
    expect(answer.choices[0]!.message.content).toBe('Echo: hello cli');
    expect(mock.count('/chat/completions')).toBe(1);
    expect(mock.calls[0]!.headers.authorization).toBe(`Bearer ${CLIENT_ENV_KEY}`);
    const providers = (await (await admin(cli, '/admin/v1/providers')).json()) as { items: Array<{ baseUrl: string }> };
    expect(providers.items[0]!.baseUrl).toBe(mock.url);
  });

  it('--help prints usage and exits 0', { timeout: 30_000 }, async () => {
    const cli = spawnCli(['--help'], {});
    expect((await cli.exited).code).toBe(0);
    expect(cli.output()).toMatch(/Usage: .*--port.*--admin-port.*--data-dir/);
    expect(cli.output()).toContain('TOLLGATE_OPENAI_BASE_URL');
  });

  it('exits 2 with a message on a bad --port or an unknown flag', { timeout: 30_000 }, async () => {
    const badPort = spawnCli(['--port', 'abc', '--data-dir', tempDir()], {});
    expect((await badPort.exited).code).toBe(2);
    expect(badPort.output()).toMatch(/--port must be a port number.*"abc"/);
    const unknown = spawnCli(['--prot', '8686', '--data-dir', tempDir()], {});
    expect((await unknown.exited).code).toBe(2);
    expect(unknown.output()).toMatch(/--prot/);
    expect(unknown.output()).toContain('Usage:');
  });

  it('refuses to start when the upstream is its own proxy port (exit 1, says why)', { timeout: 30_000 }, async () => {
    const port = await freePort();
    const cli = spawnCli(['--port', String(port), '--admin-port', '0', '--data-dir', tempDir()],
      { TOLLGATE_OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1` });
    expect((await cli.exited).code).toBe(1);
    expect(cli.output()).toMatch(/loop/i);
    expect(cli.output()).not.toContain('Tollgate gateway');
  });

  it('on Ctrl-C finishes an in-flight stream, then exits 0 with its trace on disk', { timeout: 45_000 }, async () => {
    const mock = await mockUpstream();
    const dataDir = tempDir();
    const cli = await waitForStart(spawnCli(['--port', '0', '--admin-port', '0', '--data-dir', dataDir], envFor(mock), 'node'));
    const res = await fetch(`${cli.proxyUrl}/chat/completions`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock-slow-stream', stream: true, messages: [{ role: 'user', content: 'tick please' }] }),
    });
    expect(res.status).toBe(200);
    const traceId = res.headers.get('x-tollgate-trace-id');
    const decoder = new TextDecoder();
    let text = '';
    let signalled = false;
    const ticks = () => (text.match(/"content":"tick "/g) ?? []).length;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      text += decoder.decode(chunk, { stream: true });
      // half-way through the 200 pieces, well inside the CLI's drain deadline
      if (!signalled && ticks() >= 100) { signalled = true; process.kill(-cli.proc.pid!, 'SIGINT'); }
    }
    expect(signalled).toBe(true);
    expect(ticks()).toBe(200);
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    expect(await cli.exited).toEqual({ code: 0, signal: null });
    expect(cli.output()).toContain('SIGINT: finishing in-flight requests');

    const db = new Database(join(dataDir, 'tollgate.db'), { readonly: true });
    cleanups.push(() => db.close());
    const rows = db.prepare('SELECT id, status, stream, model_requested AS model FROM traces').all();
    expect(rows).toEqual([{ id: traceId, status: 200, stream: 1, model: 'mock-slow-stream' }]);
  });

  it('loses nothing acknowledged on kill -9, and restarts on the same data dir', { timeout: 60_000 }, async () => {
    const mock = await mockUpstream();
    const dataDir = tempDir();
    const args = ['--port', '0', '--admin-port', '0', '--data-dir', dataDir];
    const cli = await waitForStart(spawnCli(args, envFor(mock), 'node'));
    const N = 50;
    for (let batch = 0; batch < N; batch += 10) {
      // 40 distinct prompts and 10 repeats, so the rollup sees both spend and cache hits
      await Promise.all(Array.from({ length: 10 }, (_, i) => ask(cli, `prompt ${(batch + i) % 40}`)));
    }
    await eventually(async () => (await traceCount(cli)) === N, 10_000);
    process.kill(cli.proc.pid!, 'SIGKILL');
    expect((await cli.exited).signal).toBe('SIGKILL');

    const db = new Database(join(dataDir, 'tollgate.db'));
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const traces = db.prepare('SELECT COUNT(*) AS n, SUM(cost_usd) AS cost, SUM(cache = \'hit\') AS hits FROM traces').get() as { n: number; cost: number; hits: number };
      const spend = db.prepare('SELECT SUM(cost_usd) AS cost, SUM(requests) AS requests FROM spend_daily').get() as { cost: number; requests: number };
      expect(traces.n).toBe(N);
      expect(traces.hits).toBe(10);
      expect(traces.cost).toBeGreaterThan(0);
      expect(spend.requests).toBe(N);
      expect(Math.abs(spend.cost - traces.cost)).toBeLessThan(1e-9);
      // budget spend goes through the same batched writer: it survives too (whole nano-dollars, rounded up)
      const budget = db.prepare("SELECT SUM(spent_usd) AS cost FROM budget_spend WHERE scope = 'project' AND period LIKE 'd:%'").get() as { cost: number };
      expect(budget.cost).toBeGreaterThanOrEqual(traces.cost - 1e-12);
      expect(budget.cost - traces.cost).toBeLessThanOrEqual(N * 1e-9);
    } finally {
      db.close();
    }

    const again = await waitForStart(spawnCli(args, envFor(mock), 'node'));
    expect(again.token).toBe(cli.token);
    expect((await ask(again, 'after the crash')).choices[0]!.message.content).toBe('Echo: after the crash');
    await eventually(async () => (await traceCount(again)) === N + 1, 10_000);
  });
});
