import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

// scripts/build-electron-native.mjs offline: a stand-in node-gyp (npm's npm_config_node_gyp hook) records how
// it was called and "compiles" by writing a file, so the copy, the call and the ABI stamp are all checked.
const require = createRequire(import.meta.url);
const NODE_BUILD = join(dirname(require.resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');
let dir: string;

beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'tollgate-native-')); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function fakeNodeGyp(exitCode: number): string {
  const path = join(dir, 'fake-node-gyp.mjs');
  writeFileSync(path, `
    import { mkdirSync, writeFileSync } from 'node:fs';
    writeFileSync(${JSON.stringify(join(dir, 'gyp-call.json'))}, JSON.stringify({ args: process.argv.slice(2), cwd: process.cwd() }));
    if (${exitCode} === 0) {
      mkdirSync('build/Release', { recursive: true });
      writeFileSync('build/Release/better_sqlite3.node', 'electron binary');
    }
    process.exit(${exitCode});
  `);
  return path;
}

function runScript(gyp: string) {
  return spawnSync(process.execPath, ['scripts/build-electron-native.mjs', '--from-source', '--electron', '41.7.1', '--out', join(dir, 'out')], {
    encoding: 'utf8', env: { ...process.env, npm_config_node_gyp: gyp }, timeout: 60_000,
  });
}

describe('npm run build:electron-native', () => {
  it('compiles a copy of better-sqlite3 against Electron headers and stamps the ABI, leaving the Node build alone', () => {
    const nodeBuildBefore = statSync(NODE_BUILD).mtimeMs;
    const result = runScript(fakeNodeGyp(0));
    expect(result.status, result.stderr).toBe(0);

    const call = JSON.parse(readFileSync(join(dir, 'gyp-call.json'), 'utf8')) as { args: string[]; cwd: string };
    expect(call.args).toEqual(expect.arrayContaining(['rebuild', '--release', '--target=41.7.1', '--runtime=electron',
      '--dist-url=https://electronjs.org/headers', `--arch=${process.arch}`]));
    expect(call.cwd).toBe(join(dir, 'out', '.work', 'better-sqlite3'));

    expect(readFileSync(join(dir, 'out', 'better_sqlite3.node'), 'utf8')).toBe('electron binary');
    expect(JSON.parse(readFileSync(join(dir, 'out', 'better_sqlite3.json'), 'utf8'))).toMatchObject({
      electron: '41.7.1', modules: '145', platform: process.platform, arch: process.arch,
    });
    expect(existsSync(join(dir, 'out', '.work'))).toBe(false);
    expect(statSync(NODE_BUILD).mtimeMs).toBe(nodeBuildBefore);
  });

  it('when nothing can build it, says what to do and writes no binary', () => {
    const result = runScript(fakeNodeGyp(1));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Could not get better-sqlite3 for Electron');
    expect(result.stderr).toContain('--from-source');
    expect(existsSync(join(dir, 'out', 'better_sqlite3.node'))).toBe(false);
  });
});
