// `npm run serve`: the gateway headless on plain Node, dashboard served to a browser.
// Builds first unless the build is newer than every source file, so a second serve starts at once.
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const require = createRequire(import.meta.url);
const OUTPUTS = ['out/main/cli.js', 'out/renderer/index.html'];
const SOURCES = ['electron', 'shared', 'renderer', 'resources', 'electron.vite.config.ts', 'package.json'];
const SKIP_DIRS = new Set(['node_modules', '.git']);

if (!isBuildFresh()) buildQuietly();

// Own process group: a terminal's Ctrl-C then reaches only this script, which passes it on exactly
// once (a second SIGINT makes the gateway skip draining in-flight requests).
const child = spawn(process.execPath, [join(ROOT, 'out/main/cli.js'), ...process.argv.slice(2)], {
  cwd: ROOT,
  stdio: 'inherit',
  detached: process.platform !== 'win32',
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => child.kill(signal));
}
process.on('exit', () => {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
});
child.on('error', (error) => {
  console.error(`Could not start the gateway: ${error.message}`);
  process.exit(1);
});
child.on('exit', (code, signal) => {
  process.exit(code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : 1));
});

function isBuildFresh() {
  const builtAt = Math.min(...OUTPUTS.map((path) => modifiedAt(join(ROOT, path))));
  if (builtAt === 0) return false;
  return SOURCES.every((path) => newestModification(join(ROOT, path)) < builtAt);
}

function buildQuietly() {
  process.stderr.write('Building Tollgate… ');
  const started = Date.now();
  const result = spawnSync(process.execPath, [electronViteBin(), 'build'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: process.stderr.isTTY ? '1' : '0' },
  });
  if (result.status !== 0) {
    process.stderr.write('failed.\n\n');
    process.stderr.write(result.stdout ?? '');
    process.stderr.write(result.stderr ?? '');
    if (result.error) process.stderr.write(`${result.error.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`done in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
}

/** mtime in ms, or 0 when missing. */
function modifiedAt(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/** The newest mtime of a file, or of a directory and anything below it. */
function newestModification(path) {
  let stats;
  try {
    stats = statSync(path);
  } catch {
    return 0;
  }
  if (!stats.isDirectory()) return stats.mtimeMs;
  // a directory's own mtime moves when a file in it is deleted or renamed
  let newest = stats.mtimeMs;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.isDirectory() && SKIP_DIRS.has(entry.name)) continue;
    newest = Math.max(newest, newestModification(join(path, entry.name)));
  }
  return newest;
}

function electronViteBin() {
  const pkgPath = require.resolve('electron-vite/package.json');
  const { bin } = require(pkgPath);
  return join(dirname(pkgPath), typeof bin === 'string' ? bin : bin['electron-vite']);
}
