import { ipcMain, shell, type IpcMainEvent } from 'electron';
import { IPC_CHANNELS, type BootInfo, type IpcPayloads } from '../../shared/ipc';
import { decideWindowOpen, isDashboardSender } from './navigation-policy';

export interface IpcOptions {
  bootInfo: () => BootInfo | null;
  /** true for the web contents of windows main created itself */
  isOwnWindow: (webContentsId: number) => boolean;
}

/**
 * The only place main listens to the renderer. Every message must come from the main frame of one of
 * our windows, showing the dashboard's origin; anything else gets nothing.
 * Why sendSync for the token: command-line switches would show it in the process list to other users.
 */
export function registerIpc(options: IpcOptions): () => void {
  const isFromDashboard = (event: IpcMainEvent, info: BootInfo): boolean => {
    const frame = event.senderFrame;
    return isDashboardSender(
      { frameUrl: frame?.url, isMainFrame: frame?.parent === null, isOwnWindow: options.isOwnWindow(event.sender.id) },
      new URL(info.adminUrl).origin,
    );
  };

  const getBootInfo = (event: IpcMainEvent): void => {
    const info = options.bootInfo();
    event.returnValue = info && isFromDashboard(event, info) ? info : null;
  };

  const openExternal = (event: IpcMainEvent, payload: IpcPayloads['shell.openExternal']): void => {
    const info = options.bootInfo();
    if (!info || !isFromDashboard(event, info) || typeof payload?.url !== 'string') return;
    if (decideWindowOpen(payload.url) === 'open-external') void shell.openExternal(payload.url);
  };

  ipcMain.on(IPC_CHANNELS.getBootInfo, getBootInfo);
  ipcMain.on(IPC_CHANNELS.openExternal, openExternal);
  return () => {
    ipcMain.removeListener(IPC_CHANNELS.getBootInfo, getBootInfo);
    ipcMain.removeListener(IPC_CHANNELS.openExternal, openExternal);
  };
}
