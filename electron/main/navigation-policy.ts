/**
 * What the window may do with a URL. Pure, so the decisions are unit-tested without Electron.
 * The window only ever shows the dashboard served by the gateway's admin origin; everything else is
 * either handed to the user's browser (plain web links) or dropped (file:, javascript:, custom schemes).
 */
export type NavigationDecision = 'allow' | 'open-external' | 'block';

const WEB_PROTOCOLS = new Set(['http:', 'https:']);

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** http(s) links that are safe to pass to the OS browser (no credentials smuggled in user:pass@). */
export function isExternalWebUrl(url: string): boolean {
  const parsed = parse(url);
  return parsed !== null && WEB_PROTOCOLS.has(parsed.protocol) && parsed.username === '' && parsed.password === '';
}

/** will-navigate / will-redirect: stay on the dashboard's origin, send web links out, drop the rest. */
export function decideNavigation(url: string, dashboardOrigin: string): NavigationDecision {
  const parsed = parse(url);
  if (parsed && parsed.origin === dashboardOrigin) return 'allow';
  return isExternalWebUrl(url) ? 'open-external' : 'block';
}

/** window.open / target=_blank: never a new Electron window; web links open in the browser. */
export function decideWindowOpen(url: string): Exclude<NavigationDecision, 'allow'> {
  return isExternalWebUrl(url) ? 'open-external' : 'block';
}

/**
 * Web permissions: none, except writing to the clipboard from the dashboard itself (its copy buttons for
 * base URLs and snippets use navigator.clipboard.writeText). Reading the clipboard stays denied.
 */
export function decidePermission(permission: string, requestingUrl: string, dashboardOrigin: string): boolean {
  return permission === 'clipboard-sanitized-write' && parse(requestingUrl)?.origin === dashboardOrigin;
}

/** IPC is answered only for the main frame of a window main created, showing the dashboard. */
export function isDashboardSender(
  sender: { frameUrl: string | undefined; isMainFrame: boolean; isOwnWindow: boolean },
  dashboardOrigin: string,
): boolean {
  if (!sender.isOwnWindow || !sender.isMainFrame || !sender.frameUrl) return false;
  return decideNavigation(sender.frameUrl, dashboardOrigin) === 'allow';
}
