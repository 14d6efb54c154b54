/**
 * The mock upstream in its own process, so the bench can pin it and read its CPU.
 * Usage: node --import tsx test/bench/mock-server.ts [port]   (prints `READY <base url>`)
 */
import { startMockUpstream } from '../support/mock-upstream';

const port = Number(process.argv[2] ?? 0);
const mock = await startMockUpstream({ port, quiet: true });
console.log(`READY ${mock.url}`);

// The mock records every call for tests; a bench makes hundreds of thousands, so drop them as we go.
setInterval(() => mock.reset(), 500).unref();

// Exit with the bench: on a signal, or when the parent is gone (re-parented to init or a subreaper).
const parent = process.ppid;
setInterval(() => { if (process.ppid !== parent) process.exit(0); }, 1000).unref();
const stop = () => { void mock.close().finally(() => process.exit(0)); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
