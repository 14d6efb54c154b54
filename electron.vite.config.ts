import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

const rootDir = fileURLToPath(new URL('.', import.meta.url));
const fromRoot = (path: string): string => resolve(rootDir, path);

// `npm run serve` runs out/main/cli.js on plain Node, whose minimum (package.json engines) is older
// than Electron 41's bundled Node, so main is built for the older of the two.
const NODE_TARGET = 'node20.19';

export default defineConfig({
  main: {
    build: {
      target: NODE_TARGET,
      outDir: fromRoot('out/main'),
      // dependencies stay in node_modules; better-sqlite3 in particular must load its own native binary
      externalizeDeps: { include: ['better-sqlite3'] },
      rolldownOptions: {
        input: {
          index: fromRoot('electron/main/index.ts'),
          cli: fromRoot('electron/gateway/cli.ts'),
          // the semantic cache's worker thread, loaded by URL beside the bundle (embed-worker-client.ts)
          'embed-worker': fromRoot('electron/gateway/embed/embed-worker.ts'),
          // the store's WAL checkpoints, off the event loop (store/wal-checkpointer.ts)
          'wal-checkpoint-worker': fromRoot('electron/gateway/store/wal-checkpoint-worker.ts'),
        },
        output: {
          // The gateway code both entries share lands in a chunk. Keep it beside the entries, so its
          // `new URL('../../resources/…', import.meta.url)` resolves exactly as in the source tree.
          chunkFileNames: '[name]-[hash].js',
        },
      },
    },
  },
  preload: {
    build: {
      outDir: fromRoot('out/preload'),
      // a sandboxed preload can require('electron') and nothing from node_modules: bundle everything
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: fromRoot('electron/preload/index.ts') },
        output: {
          format: 'cjs',
          entryFileNames: '[name].cjs',
          codeSplitting: false,
        },
      },
    },
  },
  renderer: {
    root: fromRoot('renderer'),
    plugins: [react()],
    build: {
      outDir: fromRoot('out/renderer'),
      // the headless gateway serves this bundle to browsers over HTTP, so size matters there
      minify: true,
      rolldownOptions: {
        input: { index: fromRoot('renderer/index.html') },
      },
    },
  },
});
