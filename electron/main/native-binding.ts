import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { app } from 'electron';
import { checkSqliteBinding } from './sqlite-binding';

/**
 * The better-sqlite3 binary to load inside Electron, through better-sqlite3's `nativeBinding` option.
 *
 * Why: `npm install` builds node_modules/better-sqlite3 for plain Node's ABI, which `npm run serve` and
 * every test need. Electron's ABI differs, so the desktop app loads a separate copy built for Electron
 * (packaged under resources/native, or build/electron-native during development), leaving the Node
 * build untouched. Throws a message that says how to build it when it is missing or stale.
 */
export function findSqliteNativeBinding(): string {
  const dir = app.isPackaged ? join(process.resourcesPath, 'native') : join(app.getAppPath(), 'build', 'electron-native');
  const result = checkSqliteBinding(
    dir,
    {
      electron: process.versions.electron ?? 'unknown',
      modules: process.versions.modules,
      platform: process.platform,
      arch: process.arch,
    },
    { exists: existsSync, readText: (path) => readFileSync(path, 'utf8') },
  );
  if (!result.ok) throw new Error(result.message);
  return result.path;
}
