import { join } from 'node:path';
import { app, BrowserWindow, dialog, session } from 'electron';
import { startGatewayHost, type GatewayHost } from './gateway-host';
import { findSqliteNativeBinding } from './native-binding';
import { createMainWindow, denyAllPermissions, guardAllWebContents } from './window';

const DASHBOARD_DIR = join(import.meta.dirname, '../renderer');

let host: GatewayHost | null = null;
let mainWindow: BrowserWindow | null = null;
let hasStopped = false;

app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  // another Tollgate already owns the data directory and the ports; it focuses its window instead
  app.quit();
} else {
  app.on('second-instance', focusMainWindow);
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (host && BrowserWindow.getAllWindows().length === 0) openMainWindow(host);
  });
  app.on('before-quit', stopGatewayBeforeQuit);
  app.whenReady().then(startApp).catch(failStartup);
}

async function startApp(): Promise<void> {
  guardAllWebContents();
  denyAllPermissions(session.defaultSession);
  host = await startGatewayHost({
    dataDir: app.getPath('userData'),
    dashboardDir: DASHBOARD_DIR,
    sqliteNativeBinding: findSqliteNativeBinding(),
  });
  openMainWindow(host);
}

function openMainWindow({ gateway, addresses }: GatewayHost): void {
  mainWindow = createMainWindow({ adminUrl: addresses.adminUrl, adminToken: gateway.adminToken });
  mainWindow.on('closed', () => {
    mainWindow = null;
  });
}

function focusMainWindow(): void {
  if (!mainWindow) {
    if (host) openMainWindow(host);
    return;
  }
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.focus();
}

/** Quitting waits for the gateway to drain in-flight requests and close the database, once. */
function stopGatewayBeforeQuit(event: Electron.Event): void {
  if (!host || hasStopped) return;
  event.preventDefault();
  host
    .stop()
    .catch((error: unknown) => console.error('[tollgate] gateway did not stop cleanly:', error))
    .finally(() => {
      hasStopped = true;
      app.quit();
    });
}

function failStartup(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  console.error('[tollgate] startup failed:', error);
  dialog.showErrorBox(
    'Tollgate could not start',
    `${message}\n\nIf another Tollgate (or \`npm run serve\`) is already running, stop it and try again.`,
  );
  app.exit(1);
}
