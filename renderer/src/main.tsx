import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { readAdminToken } from './lib/admin-client';
import { startLiveSync } from './store/live-sync';
import './styles.css';

// Read the token before anything renders, so a #token= fragment leaves the address bar at once.
readAdminToken();
startLiveSync();

// Opening a fresh dashboard URL in the same tab only changes the fragment: pick up the new token.
window.addEventListener('hashchange', () => {
  if (new URLSearchParams(location.hash.slice(1)).has('token')) {
    readAdminToken();
    startLiveSync();
  }
});

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');
createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
