import { join } from 'node:path';
import { app, BrowserWindow, clipboard, dialog, Menu, safeStorage, session, shell } from 'electron';
import { toLocalDay } from '../gateway';
import { buildAppMenuTemplate } from './app-menu';
import { startGatewayHost, type GatewayHost } from './gateway-host';
import { registerIpc } from './ipc';
import { findSqliteNativeBinding } from './native-binding';
import { notifyBudgetAlerts } from './notifications';
import { readDesktopEnv } from './desktop-env';
import { createQuitSequence } from './quit-sequence';
import { chooseSecretStore } from './safe-storage-secret-store';
import { createSpendFeed, type SpendFeed } from './spend-feed';
import { createAppTray, type AppTray } from './tray';
import { applyContentSecurityPolicy, createMainWindow, guardAllWebContents, restrictPermissions } from './window';

const DASHBOARD_DIR = join(import.meta.dirname, '../renderer');
const ICONS_DIR = join(import.meta.dirname, '../../resources/icons');
const APP_ICON = join(ICONS_DIR, 'icon.png');
const TRAY_ICON = join(ICONS_DIR, 'tray.png');
// longer than the gateway's own 10 s drain, so a normal drain always finishes first
const QUIT_DEADLINE_MS = 15_000;

let host: GatewayHost | null = null;
let mainWindow: BrowserWindow | null = null;
let tray: AppTray | null = null;
let spendFeed: SpendFeed | null = null;
const teardown: Array<() => void> = [];

const log = (message: string, error?: unknown) =>
  error === undefined ? console.error(`[tollgate] ${message}`) : console.error(`[tollgate] ${message}:`, error);

const quitSequence = createQuitSequence({
  stopGateway: () => host?.stop() ?? Promise.resolve(),
  beforeStop: () => {
    spendFeed?.close();
    for (const undo of teardown.splice(0)) undo();
    tray?.destroy();
    tray = null;
  },
  quit: () => app.quit(),
  exit: (code) => app.exit(code),
  deadlineMs: QUIT_DEADLINE_MS,
  setTimer: setTimeout,
  log,
});

app.enableSandbox();
// read before anything asks for userData; a bad value fails the start with its message
let desktopEnv: ReturnType<typeof readDesktopEnv> = {};
let envError: unknown = null;
try {
  desktopEnv = readDesktopEnv(process.env);
  if (desktopEnv.userDataDir) app.setPath('userData', desktopEnv.userDataDir);
} catch (error) {
  envError = error;
}
// Windows shows notifications only for an app with a user model id
if (process.platform === 'win32') app.setAppUserModelId('dev.tollgate.desktop');

if (!app.requestSingleInstanceLock()) {
  // another Tollgate already owns the data directory and the ports; it focuses its window instead
  app.quit();
} else {
  app.on('second-instance', showMainWindow);
  app.on('window-all-closed', () => {
    // with a tray the gateway keeps serving in the background; quit from the tray or the menu
    if (!tray) app.quit();
  });
  app.on('activate', showMainWindow);
  app.on('before-quit', (event) => quitSequence.onBeforeQuit(event));
  // `npm start` in a terminal: Ctrl-C quits the same clean way as the menu
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());
  app.whenReady().then(startApp).catch(failStartup);
}

async function startApp(): Promise<void> {
  if (envError) throw envError;
  guardAllWebContents();
  restrictPermissions(session.defaultSession, () => (host ? new URL(host.addresses.adminUrl).origin : null));
  const dataDir = app.getPath('userData');
  const sqliteNativeBinding = findSqliteNativeBinding();
  const secretStore = chooseSecretStore({ dataDir, safeStorage, platform: process.platform, warn: (m) => log(m) });
  host = await startGatewayHost({
    dataDir,
    dashboardDir: DASHBOARD_DIR,
    sqliteNativeBinding,
    secretStore,
    proxyPort: desktopEnv.proxyPort,
    adminPort: desktopEnv.adminPort,
  });
  const { adminUrl } = host.addresses;
  applyContentSecurityPolicy(session.defaultSession, adminUrl);
  const adminToken = host.gateway.adminToken;
  teardown.push(registerIpc({
    bootInfo: () => ({ adminUrl, adminToken, appVersion: app.getVersion(), keyStorage: secretStore ? 'os-keychain' : 'file' }),
    isOwnWindow: (id) => mainWindow !== null && !mainWindow.isDestroyed() && mainWindow.webContents.id === id,
  }));
  installAppMenu(host, dataDir);
  startTray(host);
  teardown.push(notifyBudgetAlerts({
    subscribe: (listener) => host!.gateway.events.subscribe(listener),
    iconPath: APP_ICON,
    openWindow: showMainWindow,
  }));
  showMainWindow();
}

function startTray(current: GatewayHost): void {
  try {
    tray = createAppTray({
      iconPath: TRAY_ICON,
      openWindow: showMainWindow,
      setCachingPaused: (paused) => current.gateway.setCachingPaused(paused),
      quit: () => app.quit(),
    });
  } catch (error) {
    // some Linux desktops have no status area; the app still works from its window
    log('no tray available', error);
    return;
  }
  spendFeed = createSpendFeed({
    adminUrl: current.addresses.adminUrl,
    adminToken: current.gateway.adminToken,
    subscribe: (listener) => current.gateway.events.subscribe(listener),
    localDay: () => toLocalDay(Date.now()),
    onChange: (usd) => tray?.showSpend(usd),
    onError: (error) => log('could not read today\'s spend', error),
  });
  void spendFeed.sync();
}

function installAppMenu({ addresses }: GatewayHost, dataDir: string): void {
  const template = buildAppMenuTemplate(
    {
      openWindow: showMainWindow,
      openInBrowser: () => void shell.openExternal(addresses.dashboardUrl),
      copyBaseUrlSnippet: () => clipboard.writeText(`export OPENAI_BASE_URL=${addresses.proxyUrl}`),
      openDataFolder: () => void shell.openPath(dataDir),
    },
    { isMac: process.platform === 'darwin', isDev: !app.isPackaged },
  );
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

function showMainWindow(): void {
  if (!host) return;
  if (!mainWindow) {
    mainWindow = createMainWindow({ adminUrl: host.addresses.adminUrl, icon: APP_ICON });
    mainWindow.on('closed', () => {
      mainWindow = null;
    });
    return;
  }
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.show();
  mainWindow.focus();
}

function failStartup(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  const isPortTaken = (error as NodeJS.ErrnoException | null)?.code === 'EADDRINUSE';
  log('startup failed', error);
  dialog.showErrorBox(
    'Tollgate could not start',
    isPortTaken
      ? `${message}\n\nAnother Tollgate (or \`npm run serve\`) already listens on Tollgate's ports: stop it and try again.`
      : message,
  );
  // a gateway that did start still closes its database before the process goes
  void (host?.stop() ?? Promise.resolve()).catch(() => undefined).finally(() => app.exit(1));
}
