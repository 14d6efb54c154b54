import { contextBridge, ipcRenderer } from 'electron';
import { IPC_CHANNELS, type BootInfo, type IpcPayloads } from '../../shared/ipc';

// Sandboxed preload. The admin URL and token come from main synchronously (one sendSync at load), so
// the page has them at boot without an async round trip, and the token never sits on a command line.
// Keep this surface narrow: plain values and one verb per IPC channel, never ipcRenderer itself, no Node.
const boot = ipcRenderer.sendSync(IPC_CHANNELS.getBootInfo) as BootInfo | null;

function send<C extends keyof IpcPayloads>(channel: C, payload: IpcPayloads[C]): void {
  ipcRenderer.send(channel, payload);
}

const desktop = Object.freeze({
  adminUrl: boot?.adminUrl,
  adminToken: boot?.adminToken,
  appVersion: boot?.appVersion,
  keyStorage: boot?.keyStorage,
  platform: process.platform,
  openExternal(url: string): void {
    if (typeof url === 'string') send(IPC_CHANNELS.openExternal, { url });
  },
});

contextBridge.exposeInMainWorld('desktop', desktop);
