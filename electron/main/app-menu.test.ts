import { describe, expect, it } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { buildAppMenuTemplate, type AppMenuActions } from './app-menu';

const called: string[] = [];
const actions: AppMenuActions = {
  openWindow: () => called.push('openWindow'),
  openInBrowser: () => called.push('openInBrowser'),
  copyBaseUrlSnippet: () => called.push('copyBaseUrlSnippet'),
  openDataFolder: () => called.push('openDataFolder'),
};

function flatten(items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return items.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? flatten(item.submenu) : [])]);
}
const labelled = (items: MenuItemConstructorOptions[], label: string) => flatten(items).find((i) => i.label === label);

describe('application menu', () => {
  it('wires each File item to its action', () => {
    const menu = buildAppMenuTemplate(actions, { isMac: false, isDev: false });
    for (const [label, action] of [['Open Tollgate Window', 'openWindow'], ['Open Dashboard in Browser', 'openInBrowser'],
      ['Copy OPENAI_BASE_URL Snippet', 'copyBaseUrlSnippet'], ['Show Data Folder', 'openDataFolder']] as const) {
      const item = labelled(menu, label);
      (item?.click as () => void)();
      expect(called.at(-1)).toBe(action);
    }
  });

  it('has an edit menu everywhere and the app menu only on macOS', () => {
    const linux = buildAppMenuTemplate(actions, { isMac: false, isDev: false });
    const mac = buildAppMenuTemplate(actions, { isMac: true, isDev: false });
    expect(linux.map((i) => i.role ?? i.label)).toEqual(['File', 'editMenu', 'View', 'windowMenu']);
    expect(mac.map((i) => i.role ?? i.label)).toEqual(['appMenu', 'File', 'editMenu', 'View', 'windowMenu']);
    expect(flatten(linux).some((i) => i.role === 'quit')).toBe(true);
  });

  it('offers developer tools only in development', () => {
    const hasDevTools = (isDev: boolean) =>
      flatten(buildAppMenuTemplate(actions, { isMac: false, isDev })).some((i) => i.role === 'toggleDevTools');
    expect(hasDevTools(false)).toBe(false);
    expect(hasDevTools(true)).toBe(true);
  });
});
