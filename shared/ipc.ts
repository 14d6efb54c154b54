/**
 * The renderer ↔ main IPC surface, all of it. Channels are `namespace.verb`; main checks the sender
 * (electron/main/ipc.ts) and preload exposes each as one narrow function or value on `window.desktop`.
 */
export const IPC_CHANNELS = {
  /** sync, once at preload: what the page needs to reach the admin API */
  getBootInfo: 'app.getBootInfo',
  /** open an http(s) link in the user's browser; anything else is ignored */
  openExternal: 'shell.openExternal',
} as const;

/** Answer to `app.getBootInfo`; null when the asking page is not the dashboard. */
export interface BootInfo {
  adminUrl: string;
  adminToken: string;
  appVersion: string;
  /** where provider keys are kept: OS-encrypted (safeStorage), or the headless 0600 file when no keyring exists */
  keyStorage: 'os-keychain' | 'file';
}

export interface IpcPayloads {
  'shell.openExternal': { url: string };
}
