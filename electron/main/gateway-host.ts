import { randomBytes } from 'node:crypto';
import { createGateway, type Gateway, type GatewayAddresses, type SecretStore } from '../gateway';

export interface GatewayHostOptions {
  dataDir: string;
  dashboardDir: string;
  sqliteNativeBinding?: string;
  /** safeStorage-backed; undefined keeps the headless 0600 file */
  secretStore?: SecretStore;
  /** default 8686 / 8687, like `npm run serve` */
  proxyPort?: number;
  adminPort?: number;
}

export interface GatewayHost {
  gateway: Gateway;
  addresses: GatewayAddresses;
  /** resolves once; later calls return the same promise */
  stop(): Promise<void>;
}

/** Starts the gateway inside the main process, with a token that lives only as long as this run. */
export async function startGatewayHost(options: GatewayHostOptions): Promise<GatewayHost> {
  const gateway = createGateway({
    dataDir: options.dataDir,
    dashboardDir: options.dashboardDir,
    sqliteNativeBinding: options.sqliteNativeBinding,
    secretStore: options.secretStore,
    proxyPort: options.proxyPort,
    adminPort: options.adminPort,
    // The window gets the token through preload; a per-run token means nothing readable on disk
    // (or left over from an earlier run) opens the admin API while the desktop app owns it.
    adminToken: process.env.TOLLGATE_ADMIN_TOKEN || randomBytes(24).toString('base64url'),
  });
  const addresses = await gateway.start();

  let stopping: Promise<void> | null = null;
  return {
    gateway,
    addresses,
    stop: () => (stopping ??= gateway.stop()),
  };
}
