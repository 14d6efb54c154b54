import { getDesktop } from './desktop';

const TOKEN_STORAGE_KEY = 'tollgate.adminToken';
let memoryToken: string | null = null;

/**
 * The admin token: from the desktop shell, else from a `#token=…` fragment (the URL `npm run serve`
 * prints), else from this tab's sessionStorage. A fragment token is moved into sessionStorage and
 * removed from the address bar, so it doesn't linger in history, bookmarks or screen shares.
 */
export function readAdminToken(): string | null {
  const desktopToken = getDesktop()?.adminToken;
  if (desktopToken) return desktopToken;
  const fragmentToken = takeTokenFromFragment();
  if (fragmentToken) saveAdminToken(fragmentToken);
  return memoryToken ?? readSessionToken();
}

export function saveAdminToken(token: string): void {
  memoryToken = token.trim() || null;
  try {
    if (memoryToken) sessionStorage.setItem(TOKEN_STORAGE_KEY, memoryToken);
    else sessionStorage.removeItem(TOKEN_STORAGE_KEY);
  } catch {
    // storage disabled: the in-memory copy still serves this page
  }
}

function takeTokenFromFragment(): string | null {
  if (typeof location === 'undefined' || !location.hash) return null;
  const params = new URLSearchParams(location.hash.slice(1));
  const token = params.get('token');
  if (!token) return null;
  params.delete('token');
  const rest = params.toString();
  history.replaceState(history.state, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
  return token;
}

function readSessionToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_STORAGE_KEY);
  } catch {
    return null;
  }
}
