import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { app } from 'electron';

const BINARY_NAME = 'better_sqlite3.node';

/**
 * The better-sqlite3 binary to load inside Electron, or undefined to let better-sqlite3 find its own.
 *
 * Why: `npm install` builds node_modules/better-sqlite3 for plain Node's ABI, which `npm run serve` and
 * every test need. Electron's ABI differs, so the desktop app loads a separate copy built for Electron
 * (packaged under resources/native, or build/electron-native during development) through
 * better-sqlite3's `nativeBinding` option, leaving the Node build untouched.
 */
export function findSqliteNativeBinding(): string | undefined {
  const candidates = app.isPackaged
    ? [join(process.resourcesPath, 'native', BINARY_NAME)]
    : [join(app.getAppPath(), 'build', 'electron-native', BINARY_NAME)];
  return candidates.find((path) => existsSync(path));
}
