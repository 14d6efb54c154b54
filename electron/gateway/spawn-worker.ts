import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * A worker thread from its built file beside the bundle (an electron.vite.config.ts entry) or, from source (tests,
 * tsx scripts), from its .ts file with tsx's loader registered first: Node 20 workers do not inherit loader hooks.
 */
export function spawnWorker(built: URL, source: URL, workerData: unknown): Worker {
  if (existsSync(fileURLToPath(built))) return new Worker(built, { workerData });
  const tsxApi = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const boot = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(source.href)}); })`;
  return new Worker(boot, { eval: true, workerData });
}
