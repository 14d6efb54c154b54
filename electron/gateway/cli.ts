/**
 * Headless entry: `npm run serve -- --port 8686 --admin-port 8687 --data-dir DIR`.
 * Same gateway as the desktop app; the dashboard is served to a browser on the admin port.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createAccessLog } from './access-log';
import { createGateway } from './index';
import { DEFAULT_ADMIN_PORT, DEFAULT_PROXY_PORT, defaultDataDir } from './config';

const USAGE = `Usage: npm run serve -- [--port 8686] [--admin-port 8687] [--data-dir DIR] [--max-body-bytes N] [--quiet] [--log-format text|json]

  --quiet              no line per request on stdout
  --log-format json    one JSON object per request on stdout (gateway logs are JSON lines on stderr either way)

Environment:
  TOLLGATE_OPENAI_BASE_URL  upstream for OpenAI (default https://api.openai.com/v1)
  OPENAI_API_KEY            key used when a client sends none of its own
  TOLLGATE_ADMIN_TOKEN      admin API token (default: a random one kept in <data-dir>/admin-token)
  TOLLGATE_TIME_ZONE        IANA zone whose days and months budget caps count (default: the system's)`;

function toPort(value: string | undefined, fallback: number, flag: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    console.error(`${flag} must be a port number (0-65535), got "${value}".`);
    process.exit(2);
  }
  return n;
}

async function main() {
  let args;
  try {
    args = parseArgs({
      options: {
        port: { type: 'string' }, 'admin-port': { type: 'string' }, 'data-dir': { type: 'string' },
        'max-body-bytes': { type: 'string' }, quiet: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
        'log-format': { type: 'string' },
      },
    }).values;
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (args.help) { console.log(USAGE); return; }
  const logFormat = args['log-format'] ?? 'text';
  if (logFormat !== 'text' && logFormat !== 'json') {
    console.error(`--log-format must be text or json, got "${logFormat}".`);
    process.exit(2);
  }

  const dashboardDir = fileURLToPath(new URL('../renderer', import.meta.url));
  const gateway = createGateway({
    dataDir: args['data-dir'] ?? defaultDataDir(),
    proxyPort: toPort(args.port, DEFAULT_PROXY_PORT, '--port'),
    adminPort: toPort(args['admin-port'], DEFAULT_ADMIN_PORT, '--admin-port'),
    maxBodyBytes: args['max-body-bytes'] ? Number(args['max-body-bytes']) : undefined,
    dashboardDir: existsSync(dashboardDir) ? dashboardDir : null,
  });

  let addresses;
  try {
    addresses = await gateway.start();
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const hint = e.code === 'EADDRINUSE' ? ' Another process holds the port: pass --port / --admin-port, or stop it.' : '';
    console.error(`Tollgate could not start: ${e.message}${hint}`);
    await gateway.stop().catch(() => undefined);
    process.exit(1);
  }

  console.log(`Tollgate gateway  ${addresses.proxyUrl}`);
  console.log(`Dashboard         ${addresses.dashboardUrl}`);
  console.log(`Admin API         ${addresses.adminUrl}/admin/v1  (Authorization: Bearer <token>)`);
  console.log(`\nPoint your code at it:  export OPENAI_BASE_URL=${addresses.proxyUrl}\n`);
  const accessLog = args.quiet ? null : createAccessLog((text) => process.stdout.write(text), logFormat);
  if (accessLog) gateway.events.subscribe((e) => { if (e.type === 'trace') accessLog.add(e.trace); });

  let signals = 0;
  const shutdown = (signal: string) => {
    signals++;
    if (signals > 1) { console.error('Forced exit.'); process.exit(130); }
    console.log(`\n${signal}: finishing in-flight requests, then closing the database… (again to force)`);
    gateway.stop().then(() => { accessLog?.flush(); process.exit(0); }, (err: unknown) => {
      console.error('Shutdown failed:', err);
      process.exit(1);
    });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

void main();
