/**
 * kill -9 under write load: the headless gateway (a child process) serves concurrent writers (misses, cache
 * stores, hits, streams, errors) while a reader keeps listing traces through the admin API (which commits the
 * pending batch first: what it lists is acknowledged as stored). Then SIGKILL, mid-flight. On disk afterwards:
 * the database opens and passes integrity_check, every acknowledged trace is there, spend rollups and budget
 * ledgers equal the sum of the traces, every cache entry is whole; and the gateway restarts on it and serves
 * the stored cache entries as hits.
 */
import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { afterAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../support/mock-upstream';
import { eventually } from '../support/start-gateway';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-crash-'));
const children = new Set<ChildProcess>();
let mock: MockUpstream;

afterAll(async () => {
  for (const c of children) { try { process.kill(c.pid!, 'SIGKILL'); } catch { /* gone */ } }
  await mock?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Cli { proc: ChildProcess; proxyUrl: string; adminUrl: string; token: string }

async function startCli(): Promise<Cli> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(TOLLGATE_|OPENAI_|NODE_OPTIONS$|VITEST)/.test(k))) as Record<string, string>;
  const proc = spawn(process.execPath, ['--import', 'tsx', 'electron/gateway/cli.ts', '--port', '0', '--admin-port', '0', '--data-dir', dataDir, '--quiet'], {
    cwd: ROOT, env: { ...env, TOLLGATE_OPENAI_BASE_URL: mock.url, OPENAI_API_KEY: 'sk-crash-test-0000000000' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(proc);
  proc.on('exit', () => children.delete(proc));
  let out = '';
  proc.stdout!.on('data', (c: Buffer) => { out += c.toString('utf8'); });
  proc.stderr!.on('data', (c: Buffer) => { out += c.toString('utf8'); });
  const m = await eventually(async () => {
    if (proc.exitCode !== null) throw new Error(`the CLI exited:\n${out}`);
    return /Tollgate gateway\s+(\S+)\n.*?Dashboard\s+(\S+)/s.exec(out);
  }, 30_000);
  const dashboard = m[2]!;
  return { proc, proxyUrl: m[1]!, adminUrl: dashboard.replace(/\/#.*$/, ''), token: /#token=(\S+)$/.exec(dashboard)![1]! };
}

const admin = async <T>(cli: Cli, path: string): Promise<T> =>
  (await (await fetch(cli.adminUrl + path, { headers: { authorization: `Bearer ${cli.token}` } })).json()) as T;

describe('crash safety', () => {
  it('kill -9 under write load loses nothing acknowledged; spend = sum of traces; the cache is whole', { timeout: 120_000 }, async () => {
    mock = await startMockUpstream({ quiet: true });
    const cli = await startCli();
    const client = new OpenAI({ baseURL: cli.proxyUrl, apiKey: 'tollgate', maxRetries: 0 });
    const acknowledged = new Set<string>();
    const answered = new Map<string, string>(); // prompt → content, for answers the cache may hold
    let stop = false;
    let sent = 0;

    const writer = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const prompt = `crash ${w}-${i % 10}`; // repeats: stores, then hits
        sent++;
        try {
          if (i % 7 === 3) {
            const s = await client.chat.completions.create({ model: 'gpt-4o-mini', temperature: 0, stream: true, messages: [{ role: 'user', content: `${prompt} streamed` }] });
            for await (const chunk of s) void chunk;
          } else if (i % 11 === 5) {
            await client.chat.completions.create({ model: 'mock-error-500', messages: [{ role: 'user', content: prompt }] }).catch(() => null);
          } else {
            const r = await client.chat.completions.create({ model: 'gpt-4o-mini', temperature: 0, messages: [{ role: 'user', content: prompt }] });
            answered.set(prompt, r.choices[0]!.message.content ?? '');
          }
        } catch { /* the kill cuts requests off mid-way: expected */ }
      }
    };
    const reader = async () => {
      while (!stop) {
        try {
          const page = await admin<{ items: Array<{ id: string }> }>(cli, '/admin/v1/traces?limit=200');
          for (const tr of page.items) acknowledged.add(tr.id);
        } catch { /* killed */ }
      }
    };
    const load = [...Array.from({ length: 8 }, (_, w) => writer(w)), reader()];
    await eventually(async () => acknowledged.size >= 200, 60_000);
    const exited = new Promise((r) => cli.proc.once('exit', r));
    process.kill(cli.proc.pid!, 'SIGKILL');
    stop = true;
    await exited;
    await Promise.all(load);
    // every acknowledged trace is one of the requests sent (not more: when the test process is starved, all eight
    // writers can sit between their answer and their next request at the kill, so "more were sent" is not a given)
    expect(sent).toBeGreaterThanOrEqual(acknowledged.size);

    const db = new Database(join(dataDir, 'tollgate.db'), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const ids = new Set((db.prepare('SELECT id FROM traces').all() as Array<{ id: string }>).map((r) => r.id));
      const missing = [...acknowledged].filter((id) => !ids.has(id));
      expect(missing).toEqual([]);
      // every trace kept its body row, and no body row is an orphan
      expect(db.prepare('SELECT COUNT(*) AS n FROM traces t LEFT JOIN trace_bodies b ON b.trace_id = t.id WHERE b.trace_id IS NULL').get()).toEqual({ n: 0 });
      expect(db.prepare('SELECT COUNT(*) AS n FROM trace_bodies b LEFT JOIN traces t ON t.id = b.trace_id WHERE t.id IS NULL').get()).toEqual({ n: 0 });

      const traces = db.prepare('SELECT COUNT(*) AS n, COALESCE(SUM(cost_usd), 0) AS cost, SUM(cache = \'hit\') AS hits FROM traces').get() as { n: number; cost: number; hits: number };
      const spend = db.prepare('SELECT SUM(requests) AS n, COALESCE(SUM(cost_usd), 0) AS cost, SUM(cache_hits) AS hits FROM spend_daily').get() as { n: number; cost: number; hits: number };
      expect(spend.n).toBe(traces.n);
      expect(spend.hits).toBe(traces.hits);
      expect(traces.hits).toBeGreaterThan(0);
      expect(traces.cost).toBeGreaterThan(0);
      expect(Math.abs(spend.cost - traces.cost)).toBeLessThan(1e-9);
      const ledger = db.prepare("SELECT COALESCE(SUM(spent_usd), 0) AS cost FROM budget_spend WHERE scope = 'project' AND period LIKE 'd:%'").get() as { cost: number };
      expect(Math.abs(ledger.cost - traces.cost)).toBeLessThan(1e-9);

      const entries = db.prepare('SELECT id, prompt, response_body AS body FROM cache_entries').all() as Array<{ id: string; prompt: string; body: Buffer }>;
      expect(entries.length).toBeGreaterThan(0);
      for (const e of entries) expect(() => JSON.parse(e.body.toString('utf8')), e.id).not.toThrow();
    } finally {
      db.close();
    }

    // restarted on the same data: opens, keeps counting, and answers what it stored from the cache
    const again = await startCli();
    try {
      const before = (await admin<{ items: unknown[] }>(again, '/admin/v1/traces?limit=1000')).items.length;
      const c2 = new OpenAI({ baseURL: again.proxyUrl, apiKey: 'tollgate', maxRetries: 0 });
      const [prompt, content] = [...answered.entries()][0]!;
      mock.reset();
      const hit = await c2.chat.completions.create({ model: 'gpt-4o-mini', temperature: 0, messages: [{ role: 'user', content: prompt }] }).withResponse();
      expect(hit.response.headers.get('x-tollgate-cache')).toBe('hit');
      expect(hit.data.choices[0]!.message.content).toBe(content);
      expect(mock.count('/chat/completions')).toBe(0);
      await eventually(async () => (await admin<{ items: unknown[] }>(again, '/admin/v1/traces?limit=1000')).items.length === before + 1);
    } finally {
      const gone = new Promise((r) => again.proc.once('exit', r));
      again.proc.kill('SIGTERM');
      await gone;
    }
  });
});
