import { Menu, nativeImage, Tray } from 'electron';
import { formatTrayLabel } from './today-spend';

export interface AppTrayOptions {
  iconPath: string;
  openWindow: () => void;
  setCachingPaused: (paused: boolean) => void;
  quit: () => void;
}

export interface AppTray {
  showSpend(todayUsd: number): void;
  destroy(): void;
}

/** The tray: today's spend at a glance, and open / pause caching / quit without the window. */
export function createAppTray(options: AppTrayOptions): AppTray {
  const tray = new Tray(nativeImage.createFromPath(options.iconPath));
  let todayUsd = 0;
  let isCachingPaused = false;

  const render = () => {
    const label = formatTrayLabel(todayUsd, isCachingPaused);
    tray.setToolTip(label.tooltip);
    // macOS shows the title beside the icon in the menu bar; elsewhere the tooltip and menu carry it
    if (process.platform === 'darwin') tray.setTitle(label.title, { fontType: 'monospacedDigit' });
    tray.setContextMenu(Menu.buildFromTemplate([
      { label: label.menuLine, enabled: false },
      { type: 'separator' },
      { label: 'Open Tollgate', click: options.openWindow },
      {
        label: 'Pause Caching',
        type: 'checkbox',
        checked: isCachingPaused,
        click: (item) => {
          isCachingPaused = item.checked;
          options.setCachingPaused(isCachingPaused);
          render();
        },
      },
      { type: 'separator' },
      { label: 'Quit Tollgate', click: options.quit },
    ]));
  };

  tray.on('click', options.openWindow);
  render();
  return {
    showSpend(usd) {
      todayUsd = usd;
      render();
    },
    destroy: () => tray.destroy(),
  };
}
