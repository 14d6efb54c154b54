import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : /\.tsx?$/.test(name) ? [path] : [];
  });
}

const IMPORTS_ELECTRON = /(from\s+['"]electron(\/[^'"]*)?['"]|require\(\s*['"]electron['"]\s*\)|import\(\s*['"]electron['"]\s*\))/;

describe('the gateway runs headless', () => {
  it.each(['electron/gateway', 'shared'])('no file under %s imports electron', (dir) => {
    const offenders = listFiles(dir).filter((f) => IMPORTS_ELECTRON.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('the check itself catches an electron import', () => {
    expect(IMPORTS_ELECTRON.test("import { app } from 'electron';")).toBe(true);
    expect(IMPORTS_ELECTRON.test("import { x } from './electron-ish';")).toBe(false);
  });
});
