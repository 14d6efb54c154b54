// `npm start`: build, then run the desktop app. Without an Electron binary (installed with
// ELECTRON_SKIP_BINARY_DOWNLOAD=1, or a headless box) say so and point at `npm run serve`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const require = createRequire(import.meta.url);

const electronPath = findElectronBinary();
if (!electronPath) {
  console.error(
    [
      'The Electron desktop binary is not installed here, so the desktop app cannot start.',
      '',
      '  Run the gateway headless instead, with the dashboard in your browser:',
      '    npm run serve',
      '',
      '  Or install the binary and SQLite built for it, then run npm start again:',
      '    npm rebuild electron   (without ELECTRON_SKIP_BINARY_DOWNLOAD set)',
      '    npm run build:electron-native',
    ].join('\n'),
  );
  process.exit(1);
}

const build = spawnSync(process.execPath, [electronViteBin(), 'build'], { cwd: ROOT, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const child = spawn(electronPath, ['.', ...process.argv.slice(2)], { cwd: ROOT, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => child.kill(signal));
}
child.on('error', (error) => {
  console.error(`Could not launch Electron: ${error.message}`);
  process.exit(1);
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

/** The electron package's main export is the binary's path; it throws when the download was skipped. */
function findElectronBinary() {
  try {
    const path = require('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

function electronViteBin() {
  const pkgPath = require.resolve('electron-vite/package.json');
  const { bin } = require(pkgPath);
  return join(dirname(pkgPath), typeof bin === 'string' ? bin : bin['electron-vite']);
}
