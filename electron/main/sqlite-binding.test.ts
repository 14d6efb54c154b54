import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSqliteBinding, type RuntimeInfo } from './sqlite-binding';

const DIR = '/app/build/electron-native';
const RUNTIME: RuntimeInfo = { electron: '41.7.1', modules: '145', platform: 'linux', arch: 'x64' };
const files = (entries: Record<string, string>) => ({
  exists: (path: string) => path in entries,
  readText: (path: string) => {
    const text = entries[path];
    if (text === undefined) throw new Error('ENOENT');
    return text;
  },
});

describe('the Electron build of better-sqlite3', () => {
  it('is used when present and built for this Electron', () => {
    const io = files({
      [join(DIR, 'better_sqlite3.node')]: 'bin',
      [join(DIR, 'better_sqlite3.json')]: JSON.stringify({ electron: '41.7.1', modules: '145', platform: 'linux', arch: 'x64' }),
    });
    expect(checkSqliteBinding(DIR, RUNTIME, io)).toEqual({ ok: true, path: join(DIR, 'better_sqlite3.node') });
  });

  it('is used without its info file (copied in by hand)', () => {
    expect(checkSqliteBinding(DIR, RUNTIME, files({ [join(DIR, 'better_sqlite3.node')]: 'bin' })).ok).toBe(true);
  });

  it('when missing, fails with the command that builds it', () => {
    const result = checkSqliteBinding(DIR, RUNTIME, files({}));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.message).toContain(join(DIR, 'better_sqlite3.node'));
    expect(result.message).toContain('npm run build:electron-native');
    expect(result.message).toContain('Electron 41.7.1');
  });

  it('when built for another Electron ABI or platform, says which and how to rebuild', () => {
    const io = files({
      [join(DIR, 'better_sqlite3.node')]: 'bin',
      [join(DIR, 'better_sqlite3.json')]: JSON.stringify({ electron: '40.0.0', modules: '143', platform: 'linux', arch: 'x64' }),
    });
    const result = checkSqliteBinding(DIR, RUNTIME, io);
    expect(result).toMatchObject({ ok: false });
    if (result.ok) return;
    expect(result.message).toContain('Electron 40.0.0 (ABI 143');
    expect(result.message).toContain('npm run build:electron-native');
  });

  it('when built for another CPU architecture, refuses it', () => {
    const io = files({
      [join(DIR, 'better_sqlite3.node')]: 'bin',
      [join(DIR, 'better_sqlite3.json')]: JSON.stringify({ electron: '41.7.1', modules: '145', platform: 'linux', arch: 'x64' }),
    });
    expect(checkSqliteBinding(DIR, { ...RUNTIME, arch: 'arm64' }, io)).toMatchObject({ ok: false });
  });
});
