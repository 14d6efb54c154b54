import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron as electron } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { screenshot } from './dashboard';

// The real desktop app in Electron: the window renders the dashboard and `window.desktop` exists.
// Runs only where an Electron binary and the Electron build of SQLite exist; elsewhere it says why it skipped
// (test/integration/desktop-main.test.ts covers the main process on Node without Electron).
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(import.meta.url);

function findElectron(): string | null {
  try {
    const path = require('electron') as unknown;
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

const electronPath = findElectron();
const hasSqlite = existsSync(join(ROOT, 'build', 'electron-native', 'better_sqlite3.node'));
const skipReason = !electronPath
  ? 'skipped: no Electron binary here (npm rebuild electron without ELECTRON_SKIP_BINARY_DOWNLOAD)'
  : !hasSqlite ? 'skipped: no Electron build of SQLite (npm run build:electron-native)' : null;

describe('desktop app in Electron', () => {
  it.skipIf(skipReason !== null)(skipReason ?? 'opens the dashboard window with window.desktop and a live connection', async () => {
    const userData = mkdtempSync(join(tmpdir(), 'tollgate-electron-'));
    const app = await electron.launch({
      executablePath: electronPath!,
      args: [ROOT],
      env: { ...process.env, TOLLGATE_USER_DATA_DIR: userData, TOLLGATE_PROXY_PORT: '0', TOLLGATE_ADMIN_PORT: '0' },
    });
    try {
      const page = await app.firstWindow();
      const desktop = await page.evaluate(() => {
        const d = (globalThis as unknown as { desktop?: Record<string, unknown> }).desktop;
        return d && { keys: Object.keys(d).sort(), hasToken: typeof d.adminToken === 'string', adminUrl: d.adminUrl };
      });
      expect(desktop?.hasToken).toBe(true);
      expect(desktop?.keys).toEqual(['adminToken', 'adminUrl', 'appVersion', 'keyStorage', 'openExternal', 'platform']);
      expect(page.url().startsWith(String(desktop?.adminUrl))).toBe(true);
      expect(await page.evaluate(() => typeof (globalThis as unknown as { require?: unknown }).require)).toBe('undefined');
      await page.getByRole('status').filter({ hasText: 'live' }).waitFor();
      await screenshot(page, 'electron-window');
    } finally {
      await app.close();
      rmSync(userData, { recursive: true, force: true });
    }
  });
});
