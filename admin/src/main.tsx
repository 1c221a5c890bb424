import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { authorizedFetch, refreshStatistics } from './api/session.ts';

/**
 * For the browser's devtools and the console's browser tests: call the API as the signed-in user, and
 * see how many token refreshes were actually sent.
 */
Object.assign(window, { minishop: { authorizedFetch, refreshStatistics } });

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
