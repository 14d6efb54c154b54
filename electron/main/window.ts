import { join } from 'node:path';
import { app, BrowserWindow, shell, type Session, type WebContents } from 'electron';
import { buildContentSecurityPolicy } from './content-security-policy';
import { decideNavigation, decidePermission, decideWindowOpen } from './navigation-policy';

export interface MainWindowOptions {
  /** the gateway's admin origin, e.g. http://127.0.0.1:8687 */
  adminUrl: string;
  icon?: string;
}

const PRELOAD_PATH = join(import.meta.dirname, '../preload/index.cjs');

/**
 * The dashboard window. It loads the page the gateway's admin port serves, so the desktop and a
 * browser run the same build against the same origin; preload only adds the URL and token (ipc.ts).
 */
export function createMainWindow({ adminUrl, icon }: MainWindowOptions): BrowserWindow {
  const dashboardUrl = new URL('/', adminUrl);
  const window = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 720,
    minHeight: 420,
    show: false,
    title: 'Tollgate',
    icon,
    backgroundColor: '#101114',
    webPreferences: {
      preload: PRELOAD_PATH,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
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
      if (decideWindowOpen(url) === 'open-external') void shell.openExternal(url);
      return { action: 'deny' };
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
}

/**
 * The dashboard needs no camera, notifications, clipboard reads or anything else the web can ask for;
 * only its copy buttons may write to the clipboard. Until the gateway is up, the origin is unknown: deny.
 */
export function restrictPermissions(session: Session, dashboardOrigin: () => string | null): void {
  const isAllowed = (permission: string, url: string): boolean => {
    const origin = dashboardOrigin();
    return origin !== null && decidePermission(permission, url, origin);
  };
  session.setPermissionRequestHandler((contents, permission, callback, details) =>
    callback(isAllowed(permission, details.requestingUrl ?? contents?.getURL() ?? '')));
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) => isAllowed(permission, requestingOrigin));
  session.setDevicePermissionHandler(() => false);
}

/** Adds the CSP header to the dashboard's responses (the gateway serves the same page to browsers). */
export function applyContentSecurityPolicy(session: Session, adminUrl: string): void {
  const origin = new URL(adminUrl).origin;
  const policy = buildContentSecurityPolicy(origin);
  session.webRequest.onHeadersReceived({ urls: [`${origin}/*`] }, (details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [policy] } });
  });
}

function guardNavigation(contents: WebContents, allowedOrigin: string): void {
  const stayOnDashboard = (event: Electron.Event, url: string): void => {
    const decision = decideNavigation(url, allowedOrigin);
    if (decision === 'allow') return;
    event.preventDefault();
    if (decision === 'open-external') void shell.openExternal(url);
  };
  contents.on('will-navigate', stayOnDashboard);
  contents.on('will-redirect', stayOnDashboard);
}
