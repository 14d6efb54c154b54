import { join } from 'node:path';

export const SQLITE_BINARY_NAME = 'better_sqlite3.node';
/** written beside the binary by scripts/build-electron-native.mjs */
export const SQLITE_BINARY_INFO = 'better_sqlite3.json';
export const BUILD_COMMAND = 'npm run build:electron-native';

export interface SqliteBinaryInfo {
  electron: string;
  /** NODE_MODULE_VERSION the binary was built for */
  modules: string;
  platform: string;
  arch: string;
}

export type RuntimeInfo = SqliteBinaryInfo;

export type SqliteBindingResult = { ok: true; path: string } | { ok: false; message: string };

/**
 * Whether the Electron-ABI copy of better-sqlite3 in `dir` can load in this runtime.
 * Why it exists: node_modules/better-sqlite3 is built for plain Node (serve, tests), whose ABI differs
 * from Electron's, and loading it in Electron fails with an opaque NODE_MODULE_VERSION error.
 */
export function checkSqliteBinding(
  dir: string,
  runtime: RuntimeInfo,
  io: { exists(path: string): boolean; readText(path: string): string },
): SqliteBindingResult {
  const path = join(dir, SQLITE_BINARY_NAME);
  const fix = `Run \`${BUILD_COMMAND}\` (it needs network access once, or a C++ toolchain), then start Tollgate again.`;
  if (!io.exists(path)) {
    return {
      ok: false,
      message: `The SQLite module built for Electron is missing (${path}). ` +
        `The copy in node_modules is built for plain Node and cannot load in Electron ${runtime.electron}. ${fix}`,
    };
  }
  const info = readInfo(join(dir, SQLITE_BINARY_INFO), io);
  if (!info) return { ok: true, path };
  const mismatch = (['modules', 'platform', 'arch'] as const).filter((k) => info[k] !== runtime[k]);
  if (mismatch.length > 0) {
    return {
      ok: false,
      message: `The SQLite module in ${dir} was built for Electron ${info.electron} (ABI ${info.modules}, ` +
        `${info.platform}-${info.arch}), but this is Electron ${runtime.electron} (ABI ${runtime.modules}, ` +
        `${runtime.platform}-${runtime.arch}). ${fix}`,
    };
  }
  return { ok: true, path };
}

function readInfo(file: string, io: { exists(path: string): boolean; readText(path: string): string }): SqliteBinaryInfo | null {
  if (!io.exists(file)) return null;
  try {
    const parsed = JSON.parse(io.readText(file)) as Partial<SqliteBinaryInfo>;
    if (typeof parsed.modules !== 'string' || typeof parsed.platform !== 'string' || typeof parsed.arch !== 'string') return null;
    return { electron: String(parsed.electron ?? 'unknown'), modules: parsed.modules, platform: parsed.platform, arch: parsed.arch };
  } catch {
    return null;
  }
}
