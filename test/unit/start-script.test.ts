import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('npm start without an Electron binary', () => {
  it('says how to run headless and exits non-zero, without building or launching anything', () => {
    // electron's own override: point it at an empty folder, so the binary is missing on any machine
    const empty = mkdtempSync(join(tmpdir(), 'tollgate-no-electron-'));
    const result = spawnSync(process.execPath, ['scripts/start.mjs'], {
      encoding: 'utf8',
      env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: empty },
      timeout: 15_000,
    });
    expect(result.status).toBe(1);
    expect(result.signal).toBeNull();
    expect(result.stderr).toContain('Electron desktop binary is not installed');
    expect(result.stderr).toContain('npm run serve');
    expect(result.stdout).not.toContain('building');
    expect(result.stderr).not.toMatch(/at .+\.m?js:\d+/);
  });
});
