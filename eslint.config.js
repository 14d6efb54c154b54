// @ts-check
import { builtinModules } from 'node:module';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/*
 * Layer boundaries (../shared/style.md 2.1), enforced with no-restricted-imports.
 * ESLint replaces a rule's options when a later block matches the same file, so every block below
 * lists the file's complete set of restrictions; `restrictImports` builds them from named parts.
 */
const NODE_BUILTINS = builtinModules.filter((name) => !name.startsWith('_'));

const noElectron = { name: 'electron', message: 'Only electron/main and electron/preload may import electron.' };
const noIpcMain = {
  name: 'electron',
  importNames: ['ipcMain'],
  message: 'Register IPC handlers in electron/main/ipc.ts only (typed channels + sender check).',
};
const noIpcRenderer = {
  name: 'electron',
  importNames: ['ipcRenderer'],
  message: 'Only electron/preload/index.ts may use ipcRenderer; expose narrow verbs instead.',
};
const noNodeBuiltins = [
  {
    regex: `^(node:.*|(${NODE_BUILTINS.join('|')})(/.*)?)$`,
    message: 'The renderer runs in a browser too: no Node built-ins.',
  },
];
const noNodePrefixed = [{ regex: '^node:', message: 'shared/ is pure: types and functions both sides can load, no Node APIs.' }];
const noElectronTree = [
  { regex: '^(\\.\\.?/)+(.*/)?electron(/|$)', message: 'The renderer talks to the gateway over the admin API only; import from shared/.' },
];
const noAppLayers = [
  { regex: '^(\\.\\.?/)+(.*/)?(electron|renderer)(/|$)', message: 'shared/ is a leaf: it imports nothing from the app.' },
];
const noShellFromGateway = [
  { regex: '^(\\.\\./)+(main|preload)(/|$)', message: 'The gateway is plain Node and must not depend on the desktop shell.' },
  { regex: '^(\\.\\./)+(.*/)?renderer(/|$)', message: 'The gateway must not import the renderer.' },
];
const onlyGatewayIndex = [
  { regex: '^\\.\\./gateway/(?!index$).+', message: 'The shell uses the gateway through electron/gateway/index.ts only.' },
];
const noGatewayInPreload = [
  { regex: '^\\.\\./(gateway|main)(/|$)', message: 'The sandboxed preload can load nothing but electron and shared types.' },
];

/** @param {{ paths?: object[], patterns?: object[] }} parts */
function restrictImports({ paths = [], patterns = [] }) {
  return { 'no-restricted-imports': ['error', { paths, patterns }] };
}

export default defineConfig(
  globalIgnores(['out/', 'node_modules/', 'test-results/', 'playwright-report/', 'coverage/', 'docs/', 'build/']),

  tseslint.configs.recommended,

  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },

  // Node: the shell, the gateway, tests, scripts and build configs
  {
    files: ['electron/**', 'test/**', 'scripts/**', '*.config.{ts,js,mjs}'],
    languageOptions: { globals: { ...globals.node } },
  },
  // Tests poke at untyped wire JSON (mock upstream bodies, SDK payloads); product code may not.
  {
    files: ['test/**', '**/*.test.{ts,tsx}'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  // Browser: the dashboard
  {
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
  },

  {
    files: ['electron/gateway/**'],
    rules: restrictImports({ paths: [noElectron], patterns: noShellFromGateway }),
  },
  {
    files: ['shared/**'],
    rules: restrictImports({ paths: [noElectron], patterns: [...noNodePrefixed, ...noAppLayers] }),
  },
  {
    files: ['renderer/**'],
    rules: restrictImports({ paths: [noElectron], patterns: [...noNodeBuiltins, ...noElectronTree] }),
  },
  {
    files: ['electron/main/**'],
    rules: restrictImports({ paths: [noIpcMain, noIpcRenderer], patterns: onlyGatewayIndex }),
  },
  {
    files: ['electron/main/ipc.ts'],
    rules: restrictImports({ paths: [noIpcRenderer], patterns: onlyGatewayIndex }),
  },
  {
    files: ['electron/preload/**'],
    rules: restrictImports({ paths: [noIpcMain, noIpcRenderer], patterns: noGatewayInPreload }),
  },
  {
    files: ['electron/preload/index.ts'],
    rules: restrictImports({ paths: [noIpcMain], patterns: noGatewayInPreload }),
  },
);
