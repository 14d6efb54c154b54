/**
 * What the desktop shell's preload exposes as `window.desktop`. Every member is optional: the same
 * dashboard also runs in a plain browser against a headless gateway, where there is no shell at all.
 */
export interface DesktopApi {
  readonly adminUrl?: string;
  readonly adminToken?: string;
  readonly platform?: string;
  readonly appVersion?: string;
  /** where the desktop app keeps provider keys */
  readonly keyStorage?: 'os-keychain' | 'file';
  /** opens an http(s) link in the user's browser (main ignores anything else) */
  readonly openExternal?: (url: string) => void;
}

declare global {
  interface Window {
    desktop?: DesktopApi;
  }
}

export function getDesktop(): DesktopApi | undefined {
  return typeof window === 'undefined' ? undefined : window.desktop;
}

export function isDesktop(): boolean {
  return getDesktop() !== undefined;
}
