import { fork, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Health } from '../../shared/api/dto';
import { formatUsd } from '../../shared/cost';
import type { BootInfo } from '../../shared/ipc';
import { startMockUpstream, type MockUpstream } from '../support/mock-upstream';

// The desktop main process (electron/main/index.ts) run on plain Node against a recording stand-in for
// Electron (test/support/fake-electron): the real gateway, tray, menu, IPC and quit wiring, minus pixels.
type Report = { type: string; [key: string]: unknown };

const require = createRequire(import.meta.url);
const REGISTER = new URL('../support/fake-electron/register.mjs', import.meta.url).pathname;
let mock: MockUpstream;
let dir: string;
let child: ChildProcess;
let exitCode: Promise<number | null>;
const reports: Report[] = [];
const waiters: Array<{ match: (r: Report) => boolean; resolve: (r: Report) => void }> = [];
let nextId = 1;
let boot: BootInfo;
let proxyUrl: string;

function next(type: string, match: (r: Report) => boolean = () => true, timeoutMs = 15_000): Promise<Report> {
  const found = reports.find((r) => r.type === type && match(r));
  if (found) return Promise.resolve(found);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${type}" report; got ${reports.map((r) => r.type).join(', ')}`)), timeoutMs);
    waiters.push({ match: (r) => r.type === type && match(r), resolve: (r) => { clearTimeout(timer); resolve(r); } });
  });
}

async function act<T = Report>(action: string, args: Record<string, unknown> = {}): Promise<T> {
  const id = nextId++;
  child.send({ do: action, id, ...args });
  return (await next('reply', (r) => r.id === id)) as T;
}

beforeAll(async () => {
  mock = await startMockUpstream({ quiet: true });
  dir = mkdtempSync(join(tmpdir(), 'tollgate-desktop-main-'));
  // the "Electron" SQLite build is plain Node's here, stamped with Node's ABI
  const native = join(dir, 'app', 'build', 'electron-native');
  mkdirSync(native, { recursive: true });
  copyFileSync(join(dirname(require.resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node'), join(native, 'better_sqlite3.node'));
  writeFileSync(join(native, 'better_sqlite3.json'), JSON.stringify({ electron: 'node', modules: process.versions.modules, platform: process.platform, arch: process.arch }));

  child = fork('electron/main/index.ts', [], {
    execArgv: ['--import', 'tsx', '--import', REGISTER],
    env: {
      ...process.env, TOLLGATE_USER_DATA_DIR: join(dir, 'user-data'), TOLLGATE_PROXY_PORT: '0', TOLLGATE_ADMIN_PORT: '0',
      TOLLGATE_OPENAI_BASE_URL: mock.url, OPENAI_API_KEY: 'sk-desktop-test-0000000000000000', FAKE_ELECTRON_APP_PATH: join(dir, 'app'),
      TOLLGATE_ADMIN_TOKEN: '',
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  child.stderr?.on('data', (d: Buffer) => reports.push({ type: 'stderr', text: d.toString() }));
  exitCode = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  child.on('message', (r: Report) => {
    reports.push(r);
    for (const w of waiters.splice(0)) {
      if (w.match(r)) w.resolve(r);
      else waiters.push(w);
    }
  });
  const loaded = await next('window.loaded', () => true, 30_000);
  boot = ((await act<{ returnValue: BootInfo }>('ipcSend', { channel: 'app.getBootInfo', frameUrl: loaded.url })).returnValue);
  const health = await fetch(`${boot.adminUrl}/admin/v1/health`, { headers: { authorization: `Bearer ${boot.adminToken}` } });
  proxyUrl = ((await health.json()) as Health & { proxyUrl: string }).proxyUrl;
}, 60_000);

afterAll(async () => {
  if (child.exitCode === null) child.kill('SIGKILL');
  await mock.close();
  rmSync(dir, { recursive: true, force: true });
});

const ask = (content: string) => new OpenAI({ baseURL: proxyUrl, apiKey: 'tollgate', maxRetries: 0 }).chat.completions
  .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], temperature: 0 }).withResponse();

describe('desktop main process', () => {
  it('opens one hardened window on the dashboard, served by the in-process gateway', async () => {
    const created = reports.filter((r) => r.type === 'window.created');
    expect(created).toHaveLength(1);
    expect(created[0]!.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false });
    expect(JSON.stringify(created[0]!.webPreferences)).not.toContain(boot.adminToken);
    expect((await next('window.loaded')).url).toBe(`${boot.adminUrl}/`);
    expect(boot.appVersion).toBe('0.1.0-test');
    expect(boot.keyStorage).toBe('os-keychain');
  });

  it('hands the admin token only to the dashboard frame', async () => {
    const foreign = await act<{ returnValue: unknown }>('ipcSend', { channel: 'app.getBootInfo', frameUrl: 'https://evil.example/' });
    const subframe = await act<{ returnValue: unknown }>('ipcSend', { channel: 'app.getBootInfo', frameUrl: `${boot.adminUrl}/`, isMainFrame: false });
    expect(foreign.returnValue).toBeNull();
    expect(subframe.returnValue).toBeNull();
    const stale = await fetch(`${boot.adminUrl}/admin/v1/health`, { headers: { authorization: 'Bearer wrong' } });
    expect(stale.status).toBe(401);
  });

  it('keeps the window on the dashboard: links go to the browser, nothing else opens', async () => {
    expect(await act('navigate', { url: `${boot.adminUrl}/traces` })).toMatchObject({ prevented: false });
    expect(await act('navigate', { url: 'https://platform.openai.com/usage' })).toMatchObject({ prevented: true });
    await next('shell.openExternal', (r) => r.url === 'https://platform.openai.com/usage');
    expect(await act('navigate', { url: 'file:///etc/passwd' })).toMatchObject({ prevented: true });
    expect(await act('windowOpen', { url: 'https://example.com/' })).toMatchObject({ action: 'deny' });
    expect(reports.filter((r) => r.type === 'shell.openExternal').map((r) => r.url))
      .toEqual(['https://platform.openai.com/usage', 'https://example.com/']);
    expect(await act('permission', { permission: 'media', url: `${boot.adminUrl}/` })).toMatchObject({ granted: false });
    expect(await act('permission', { permission: 'clipboard-sanitized-write', url: `${boot.adminUrl}/` })).toMatchObject({ granted: true });
    const { headers } = await act<{ headers: Record<string, string[]> }>('headers', { url: `${boot.adminUrl}/` });
    expect(headers['Content-Security-Policy']![0]).toContain(`connect-src ${boot.adminUrl}`);
  });

  it('shows today\'s spend in the tray as requests cost money', async () => {
    expect((await next('tray.tooltip')).tooltip).toBe('Tollgate: $0 spent today');
    const { response } = await ask('tray spend');
    const cost = Number(response.headers.get('x-tollgate-cost-usd'));
    expect(cost).toBeGreaterThan(0);
    await next('tray.tooltip', (r) => r.tooltip === `Tollgate: ${formatUsd(cost)} spent today`);
    const menu = await act<{ items: Array<{ label?: string; checked?: boolean }> }>('trayMenu');
    expect(menu.items.map((i) => i.label).filter(Boolean)).toEqual([`Today: ${formatUsd(cost)}`, 'Open Tollgate', 'Pause Caching', 'Quit Tollgate']);
  });

  it('pauses caching from the tray', async () => {
    await ask('cache me');
    expect((await ask('cache me')).response.headers.get('x-tollgate-cache')).toBe('hit');
    await act('trayClick', { label: 'Pause Caching' });
    expect((await act<{ items: Array<{ label?: string; checked?: boolean }> }>('trayMenu')).items.find((i) => i.label === 'Pause Caching')?.checked).toBe(true);
    expect((await ask('cache me')).response.headers.get('x-tollgate-cache')).toBe('off');
    await act('trayClick', { label: 'Pause Caching' });
    expect((await ask('cache me')).response.headers.get('x-tollgate-cache')).toBe('hit');
  });

  it('notifies when a project reaches its daily cap', async () => {
    const created = await fetch(`${boot.adminUrl}/admin/v1/projects`, {
      method: 'POST',
      headers: { authorization: `Bearer ${boot.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ slug: 'capped', budget: { dailyUsd: 0.000001, mode: 'alert' } }),
    });
    expect(created.status).toBe(201);
    await new OpenAI({ baseURL: proxyUrl.replace('/v1', '/p/capped/v1'), apiKey: 'tollgate', maxRetries: 0 })
      .chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'over the cap' }] });
    const shown = await next('notification');
    expect(shown.title).toBe('capped reached its daily cap');
    expect(reports.filter((r) => r.type === 'notification')).toHaveLength(1);
  });

  it('menu: copies the base URL snippet; closing the window keeps the gateway serving in the tray', async () => {
    await act('appMenuClick', { label: 'Copy OPENAI_BASE_URL Snippet' });
    expect((await next('clipboard.writeText')).text).toBe(`export OPENAI_BASE_URL=${proxyUrl}`);
    expect(await act('closeWindow')).toMatchObject({ windows: 0 });
    expect((await ask('still serving')).response.status).toBe(200);
    expect(await act('secondInstance')).toMatchObject({ windows: 1 });
  });

  it('quits cleanly: holds the quit until the gateway stopped, then exits 0 with the database closed', async () => {
    await act('quit');
    expect(await exitCode).toBe(0);
    expect(reports.filter((r) => r.type === 'app.before-quit').map((r) => r.prevented)).toEqual([true, false]);
    expect(reports.some((r) => r.type === 'tray.destroyed')).toBe(true);
    const db = new Database(join(dir, 'user-data', 'tollgate.db'), { readonly: true });
    const traces = db.prepare('SELECT COUNT(*) AS n FROM traces').get() as { n: number };
    db.close();
    expect(traces.n).toBe(7);
    const output = reports.filter((r) => r.type === 'stderr').map((r) => String(r.text)).join('');
    expect(output).not.toMatch(/"level":"error"|\[tollgate\]/);
  });
});

describe('desktop main process without the Electron build of SQLite', () => {
  it('says which command builds it, and exits 1 without starting a gateway', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'tollgate-desktop-nonative-'));
    const seen: Report[] = [];
    const proc = fork('electron/main/index.ts', [], {
      execArgv: ['--import', 'tsx', '--import', REGISTER],
      env: { ...process.env, TOLLGATE_USER_DATA_DIR: join(empty, 'user-data'), TOLLGATE_PROXY_PORT: '0', TOLLGATE_ADMIN_PORT: '0', FAKE_ELECTRON_APP_PATH: join(empty, 'app') },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    proc.on('message', (r: Report) => seen.push(r));
    const code = await new Promise((resolve) => proc.once('exit', resolve));
    rmSync(empty, { recursive: true, force: true });
    expect(code).toBe(1);
    const error = seen.find((r) => r.type === 'dialog.error');
    expect(error?.title).toBe('Tollgate could not start');
    expect(error?.content).toContain('npm run build:electron-native');
    expect(error?.content).toContain(join(empty, 'app', 'build', 'electron-native', 'better_sqlite3.node'));
    expect(seen.some((r) => r.type === 'window.created' || r.type === 'tray.created')).toBe(false);
  }, 30_000);
});
