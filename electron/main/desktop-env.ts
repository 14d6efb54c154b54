/** Environment knobs for the desktop app: a second profile, other ports (tests, a clash with `npm run serve`). */
export interface DesktopEnv {
  /** replaces Electron's userData folder (and so the gateway's data dir) */
  userDataDir?: string;
  proxyPort?: number;
  adminPort?: number;
}

export function readDesktopEnv(env: NodeJS.ProcessEnv): DesktopEnv {
  return {
    userDataDir: env.TOLLGATE_USER_DATA_DIR || undefined,
    proxyPort: readPort(env, 'TOLLGATE_PROXY_PORT'),
    adminPort: readPort(env, 'TOLLGATE_ADMIN_PORT'),
  };
}

function readPort(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`${name} must be a port number from 0 to 65535 (0 picks a free one), not "${raw}".`);
  }
  return port;
}
