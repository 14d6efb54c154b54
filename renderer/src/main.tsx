import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { readAdminToken } from './lib/admin-token';
import { readPageFromHash, writePageToHash } from './lib/page-hash';
import { useAppStore } from './store';
import { startLiveSync } from './store/live-sync';
import './styles.css';

// Read the token before anything renders, so a #token= fragment leaves the address bar at once.
readAdminToken();
startLiveSync();

const initialPage = readPageFromHash();
if (initialPage) useAppStore.getState().setPage(initialPage);
useAppStore.subscribe((state, previous) => {
  if (state.page !== previous.page) writePageToHash(state.page);
});

// Opening a fresh dashboard URL in the same tab only changes the fragment: pick up the new token.
window.addEventListener('hashchange', () => {
  if (new URLSearchParams(location.hash.slice(1)).has('token')) {
    readAdminToken();
    startLiveSync();
    return;
  }
  const page = readPageFromHash();
  if (page) useAppStore.getState().setPage(page);
});

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');
createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
