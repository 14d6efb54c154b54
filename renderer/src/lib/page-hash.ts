import { PAGES, type PageId } from '../store/nav-slice';

/**
 * The open page lives in the fragment (`#p=cache`), next to nothing secret: the token is taken out of the
 * fragment before this runs. A reload or a shared link opens the same page.
 */
export function readPageFromHash(): PageId | null {
  if (typeof location === 'undefined') return null;
  const page = new URLSearchParams(location.hash.slice(1)).get('p');
  return PAGES.some((p) => p.id === page) ? (page as PageId) : null;
}

export function writePageToHash(page: PageId): void {
  if (typeof location === 'undefined') return;
  const params = new URLSearchParams(location.hash.slice(1));
  if (params.get('p') === page) return;
  params.set('p', page);
  history.replaceState(history.state, '', `${location.pathname}${location.search}#${params.toString()}`);
}
