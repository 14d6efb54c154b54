// `npm run build:electron-native`: a better-sqlite3 binary for Electron's ABI, in build/electron-native/.
//
// node_modules/better-sqlite3 stays built for plain Node (`npm run serve`, tests). This script works on a
// copy of the package, so that build is never touched: it first asks prebuild-install for the prebuilt
// Electron binary (network, once), and falls back to compiling against Electron's headers with node-gyp
// (network for the headers, plus a C++ toolchain). The result is loaded by the desktop app through
// better-sqlite3's `nativeBinding` option (electron/main/native-binding.ts), with a JSON file beside it
// saying which Electron it was built for, so a stale binary is reported instead of crashing.
//
// Options: --electron <version> (default: the installed electron package), --arch <arch>, --from-source,
// --out <dir> (default build/electron-native).
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const BINARY = 'better_sqlite3.node';
const require = createRequire(import.meta.url);

const { values: args } = parseArgs({
  options: { electron: { type: 'string' }, arch: { type: 'string' }, 'from-source': { type: 'boolean' }, out: { type: 'string' } },
});
const OUT_DIR = resolve(args.out ?? join(ROOT, 'build', 'electron-native'));
const WORK_DIR = join(OUT_DIR, '.work', 'better-sqlite3');
const electronVersion = args.electron ?? readJson(require.resolve('electron/package.json')).version;
const arch = args.arch ?? process.arch;
const sqliteDir = dirname(require.resolve('better-sqlite3/package.json'));
const sqliteVersion = readJson(join(sqliteDir, 'package.json')).version;
const abi = electronAbi(electronVersion);

console.log(`better-sqlite3 ${sqliteVersion} for Electron ${electronVersion} (ABI ${abi}), ${process.platform}-${arch}`);
rmSync(WORK_DIR, { recursive: true, force: true });
mkdirSync(dirname(WORK_DIR), { recursive: true });
const nodeBuild = join(sqliteDir, 'build');
cpSync(sqliteDir, WORK_DIR, { recursive: true, filter: (src) => src !== nodeBuild && !src.startsWith(nodeBuild + sep) });

const built = (!args['from-source'] && downloadPrebuilt()) || compileFromSource();
if (!built) {
  rmSync(join(OUT_DIR, '.work'), { recursive: true, force: true });
  console.error([
    '',
    'Could not get better-sqlite3 for Electron. Either:',
    '  - allow network access to github.com (prebuilt binaries) and run this again, or',
    '  - install a C++ toolchain (Linux: build-essential python3; macOS: Xcode command line tools;',
    '    Windows: Visual Studio Build Tools) and run: npm run build:electron-native -- --from-source',
    'The headless gateway (npm run serve) does not need this.',
  ].join('\n'));
  process.exit(1);
}

mkdirSync(OUT_DIR, { recursive: true });
copyFileSync(join(WORK_DIR, 'build', 'Release', BINARY), join(OUT_DIR, BINARY));
writeFileSync(join(OUT_DIR, 'better_sqlite3.json'), JSON.stringify({
  electron: electronVersion, modules: String(abi), platform: process.platform, arch, betterSqlite3: sqliteVersion,
}, null, 2) + '\n');
rmSync(join(OUT_DIR, '.work'), { recursive: true, force: true });
console.log(`Wrote ${join(OUT_DIR, BINARY)}`);

function downloadPrebuilt() {
  console.log('Fetching the prebuilt binary (prebuild-install)…');
  const bin = join(dirname(require.resolve('prebuild-install/package.json')), 'bin.js');
  return run(process.execPath, [bin, '--runtime', 'electron', '--target', electronVersion, '--arch', arch,
    '--platform', process.platform, '--verbose'], WORK_DIR);
}

function compileFromSource() {
  console.log('Compiling against Electron headers (node-gyp)…');
  // npm sets npm_config_node_gyp to its bundled node-gyp when it runs a script
  const nodeGyp = process.env.npm_config_node_gyp;
  const [command, prefix] = nodeGyp ? [process.execPath, [nodeGyp]] : ['npx', ['--yes', 'node-gyp']];
  return run(command, [...prefix, 'rebuild', '--release', `--target=${electronVersion}`, `--arch=${arch}`,
    '--runtime=electron', '--dist-url=https://electronjs.org/headers'], WORK_DIR);
}

function run(command, commandArgs, cwd) {
  const result = spawnSync(command, commandArgs, { cwd, stdio: 'inherit' });
  return result.status === 0 && existsSync(join(cwd, 'build', 'Release', BINARY));
}

/** NODE_MODULE_VERSION of an Electron release, from node-abi (prebuild-install's own table). */
function electronAbi(version) {
  const nodeAbi = createRequire(require.resolve('prebuild-install/package.json'))('node-abi');
  return nodeAbi.getAbi(version, 'electron');
}

function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}
