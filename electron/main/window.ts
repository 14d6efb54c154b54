import { join } from 'node:path';
import { app, BrowserWindow, shell, type Session, type WebContents } from 'electron';

export interface MainWindowOptions {
  /** the gateway's admin origin, e.g. http://127.0.0.1:8687 */
  adminUrl: string;
  adminToken: string;
}

const PRELOAD_PATH = join(import.meta.dirname, '../preload/index.cjs');

/**
 * The dashboard window. It loads the page the gateway's admin port serves, so the desktop and a
 * browser run the same build against the same origin; preload only adds the URL and token.
 */
export function createMainWindow({ adminUrl, adminToken }: MainWindowOptions): BrowserWindow {
  const dashboardUrl = new URL('/', adminUrl);
  const window = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 720,
    minHeight: 420,
    show: false,
    title: 'Tollgate',
    backgroundColor: '#101114',
    autoHideMenuBar: true,
    webPreferences: {
      preload: PRELOAD_PATH,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      spellcheck: false,
      // read synchronously by preload, so the UI needs no IPC round trip at boot
      additionalArguments: [`--tollgate-admin-url=${adminUrl}`, `--tollgate-admin-token=${adminToken}`],
    },
  });

  guardNavigation(window.webContents, dashboardUrl.origin);
  window.once('ready-to-show', () => window.show());
  void window.loadURL(dashboardUrl.href);
  return window;
}

/** Applies to every web contents the app creates, including ones created later by accident. */
export function guardAllWebContents(): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(({ url }) => {
      openExternally(url);
      return { action: 'deny' };
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
}

/** The dashboard needs no camera, notifications, clipboard reads or anything else the web can ask for. */
export function denyAllPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

function guardNavigation(contents: WebContents, allowedOrigin: string): void {
  const stayOnDashboard = (event: Electron.Event, url: string): void => {
    if (originOf(url) === allowedOrigin) return;
    event.preventDefault();
    openExternally(url);
  };
  contents.on('will-navigate', stayOnDashboard);
  contents.on('will-redirect', stayOnDashboard);
}

function openExternally(url: string): void {
  const protocol = protocolOf(url);
  if (protocol === 'http:' || protocol === 'https:') void shell.openExternal(url);
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

function protocolOf(url: string): string | null {
  try {
    return new URL(url).protocol;
  } catch {
    return null;
  }
}
