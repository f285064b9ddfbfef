/** @module Entry point: mounts the dashboard into `#root`. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/app.tsx';
import { registerServiceWorker } from './pages/notifications/push-device.ts';
import './styles/base.css';
import './styles/controls.css';
import './styles/live.css';
import './styles/markets.css';
import './styles/game.css';
import './styles/operations.css';
import './styles/strategies.css';
import './styles/portfolio.css';
import './styles/notifications.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
// Installable PWA: the worker is registered on every page load (push needs it, and so does install).
registerServiceWorker().catch((error: unknown) => console.warn('service worker not registered', error));
