import { contextBridge } from 'electron';

// Sandboxed preload: the values arrive as command-line switches (BrowserWindow additionalArguments)
// so the page has them synchronously at boot. Keep this surface narrow: no raw IPC, no Node.
function readSwitch(name: string): string | undefined {
  const prefix = `--${name}=`;
  const arg = process.argv.find((value) => value.startsWith(prefix));
  return arg?.slice(prefix.length);
}

const desktop = Object.freeze({
  adminUrl: readSwitch('tollgate-admin-url'),
  adminToken: readSwitch('tollgate-admin-token'),
  platform: process.platform,
});

contextBridge.exposeInMainWorld('desktop', desktop);
