// A recording stand-in for the parts of Electron's main-process API the desktop shell uses. It reports what
// the shell does to the parent test (process.send) and performs what the test asks (process 'message').
// Behaviour mirrors Electron where the shell depends on it: before-quit can be prevented, web-contents-created
// fires for each window, ready-to-show follows loadURL, menus keep their templates.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';

const report = (type, data = {}) => process.send?.({ type, ...data });
const paths = new Map();

class FakeApp extends EventEmitter {
  isPackaged = false;
  enableSandbox() { report('app.enableSandbox'); }
  setAppUserModelId() {}
  requestSingleInstanceLock() { return true; }
  whenReady() { return new Promise((r) => setImmediate(r)); }
  getPath(name) {
    if (!paths.has(name)) throw new Error(`fake electron: no path "${name}" set`);
    return paths.get(name);
  }
  setPath(name, value) { paths.set(name, value); }
  getVersion() { return '0.1.0-test'; }
  getAppPath() { return process.env.FAKE_ELECTRON_APP_PATH; }
  quit() {
    let prevented = false;
    this.emit('before-quit', { preventDefault: () => { prevented = true; } });
    report('app.before-quit', { prevented });
    if (!prevented) setImmediate(() => { report('app.exited', { code: 0 }); process.exit(0); });
  }
  exit(code) { report('app.exited', { code }); process.exit(code); }
}
export const app = new FakeApp();

let nextId = 1;
class FakeWebContents extends EventEmitter {
  id = nextId++;
  url = '';
  windowOpenHandler = null;
  setWindowOpenHandler(fn) { this.windowOpenHandler = fn; }
  getURL() { return this.url; }
}

const windows = [];
export class BrowserWindow extends EventEmitter {
  static getAllWindows() { return windows.filter((w) => !w.destroyed); }
  destroyed = false;
  constructor(options) {
    super();
    this.options = options;
    this.webContents = new FakeWebContents();
    windows.push(this);
    app.emit('web-contents-created', {}, this.webContents);
    report('window.created', { webPreferences: options.webPreferences, id: this.webContents.id });
  }
  async loadURL(url) {
    this.webContents.url = url;
    report('window.loaded', { url });
    setImmediate(() => this.emit('ready-to-show'));
  }
  isDestroyed() { return this.destroyed; }
  isMinimized() { return false; }
  restore() {}
  show() { report('window.shown'); }
  focus() {}
  close() {
    this.destroyed = true;
    this.emit('closed');
    if (BrowserWindow.getAllWindows().length === 0) app.emit('window-all-closed');
  }
}

const webRequestListeners = [];
export const session = {
  defaultSession: {
    permissionRequest: null,
    permissionCheck: null,
    setPermissionRequestHandler(fn) { this.permissionRequest = fn; },
    setPermissionCheckHandler(fn) { this.permissionCheck = fn; },
    setDevicePermissionHandler() {},
    webRequest: { onHeadersReceived(filter, fn) { webRequestListeners.push({ filter, fn }); } },
  },
};

export const shell = {
  async openExternal(url) { report('shell.openExternal', { url }); },
  async openPath(path) { report('shell.openPath', { path }); return ''; },
};
export const clipboard = { writeText(text) { report('clipboard.writeText', { text }); } };
export const dialog = { showErrorBox(title, content) { report('dialog.error', { title, content }); } };
export const nativeImage = { createFromPath: (path) => ({ path }) };

export const Menu = {
  buildFromTemplate: (template) => ({ template }),
  setApplicationMenu(menu) { report('menu.set', { labels: menu.template.map((i) => i.label ?? i.role) }); appMenu = menu; },
};
let appMenu = null;

let tray = null;
export class Tray extends EventEmitter {
  constructor(image) {
    super();
    this.image = image;
    // the latest tray, so the test can click its menu
    tray = this; // eslint-disable-line @typescript-eslint/no-this-alias
    report('tray.created', { icon: image.path });
  }
  setToolTip(tooltip) { this.tooltip = tooltip; report('tray.tooltip', { tooltip }); }
  setTitle(title) { this.title = title; }
  setContextMenu(menu) { this.menu = menu; }
  destroy() { report('tray.destroyed'); tray = null; }
}

export class Notification extends EventEmitter {
  static isSupported() { return true; }
  constructor(options) { super(); this.options = options; }
  show() { report('notification', { title: this.options.title, body: this.options.body }); }
}

const key = randomBytes(32);
export const safeStorage = {
  isEncryptionAvailable: () => true,
  getSelectedStorageBackend: () => 'gnome_libsecret',
  encryptString(plain) {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', key, iv);
    const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return Buffer.concat([iv, c.getAuthTag(), body]);
  },
  decryptString(sealed) {
    const d = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
    d.setAuthTag(sealed.subarray(12, 28));
    return Buffer.concat([d.update(sealed.subarray(28)), d.final()]).toString('utf8');
  },
};

const ipcListeners = new Map();
export const ipcMain = {
  on(channel, fn) { ipcListeners.set(channel, fn); },
  removeListener(channel) { ipcListeners.delete(channel); },
};

// ---- what the test can make happen -------------------------------------------------------------------
const mainContents = () => BrowserWindow.getAllWindows()[0]?.webContents;

const actions = {
  ipcSend({ channel, payload, frameUrl, isMainFrame = true }) {
    const contents = mainContents();
    const event = { sender: contents, senderFrame: { url: frameUrl, parent: isMainFrame ? null : {} }, returnValue: undefined };
    ipcListeners.get(channel)?.(event, payload);
    return { returnValue: event.returnValue ?? null };
  },
  navigate({ url }) {
    let prevented = false;
    mainContents().emit('will-navigate', { preventDefault: () => { prevented = true; } }, url);
    return { prevented };
  },
  windowOpen({ url }) { return { action: mainContents().windowOpenHandler({ url }).action }; },
  permission({ permission, url }) {
    return new Promise((resolve) => session.defaultSession.permissionRequest(mainContents(), permission, (granted) => resolve({ granted }), { requestingUrl: url }));
  },
  headers({ url }) {
    const listener = webRequestListeners.find(({ filter }) => filter.urls.some((u) => url.startsWith(u.replace('*', ''))));
    if (!listener) return { headers: null };
    return new Promise((resolve) => listener.fn({ url, responseHeaders: {} }, ({ responseHeaders }) => resolve({ headers: responseHeaders })));
  },
  trayMenu() {
    return { items: (tray?.menu.template ?? []).map((i) => ({ label: i.label, type: i.type, checked: i.checked, enabled: i.enabled })) };
  },
  trayClick({ label }) {
    const item = tray.menu.template.find((i) => i.label === label);
    item.click({ checked: item.type === 'checkbox' ? !item.checked : undefined });
    return {};
  },
  appMenuClick({ label }) {
    const item = appMenu.template.flatMap((i) => Array.isArray(i.submenu) ? i.submenu : []).find((i) => i.label === label);
    item.click();
    return {};
  },
  closeWindow() { BrowserWindow.getAllWindows()[0]?.close(); return { windows: BrowserWindow.getAllWindows().length }; },
  secondInstance() { app.emit('second-instance'); return { windows: BrowserWindow.getAllWindows().length }; },
  quit() { app.quit(); return {}; },
};

process.on('message', async (message) => {
  const result = await actions[message.do](message);
  report('reply', { id: message.id, ...result });
});
