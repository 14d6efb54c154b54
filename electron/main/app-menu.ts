import type { MenuItemConstructorOptions } from 'electron';

export interface AppMenuActions {
  openWindow: () => void;
  /** the dashboard in the default browser (token in the URL fragment, never sent over the wire) */
  openInBrowser: () => void;
  /** puts `export OPENAI_BASE_URL=…` on the clipboard */
  copyBaseUrlSnippet: () => void;
  openDataFolder: () => void;
}

/** The application menu. Pure, so it is tested without Electron; main builds it with Menu.buildFromTemplate. */
export function buildAppMenuTemplate(actions: AppMenuActions, env: { isMac: boolean; isDev: boolean }): MenuItemConstructorOptions[] {
  const file: MenuItemConstructorOptions = {
    label: 'File',
    submenu: [
      { label: 'Open Tollgate Window', click: actions.openWindow },
      { label: 'Open Dashboard in Browser', click: actions.openInBrowser },
      { label: 'Copy OPENAI_BASE_URL Snippet', click: actions.copyBaseUrlSnippet },
      { label: 'Show Data Folder', click: actions.openDataFolder },
      { type: 'separator' },
      env.isMac ? { role: 'close' } : { role: 'quit', label: 'Quit Tollgate' },
    ],
  };
  const view: MenuItemConstructorOptions = {
    label: 'View',
    submenu: [
      { role: 'reload' },
      ...(env.isDev ? [{ role: 'toggleDevTools' } as const] : []),
      { type: 'separator' },
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };
  return [
    ...(env.isMac ? [{ role: 'appMenu' } as const] : []),
    file,
    // text fields (search, caps, keys) need cut/copy/paste shortcuts, which on macOS come from this menu
    { role: 'editMenu' },
    view,
    { role: 'windowMenu' },
  ];
}
