/** @module The signed-in frame: skip link, header with navigation, stream status, notifications, account menu. */
import type { ReactNode } from 'react';
import { ConnectionIndicator } from '../components/connection-indicator.tsx';
import { NotificationsButton } from '../components/notifications.tsx';
import { Link } from './router.tsx';
import { useSession, useUser } from './session.tsx';

/** Navigation entries; `admin` ones only for administrators. */
const NAV: ReadonlyArray<{ to: string; label: string; admin?: boolean }> = [
  { to: '/', label: 'Overview' },
  { to: '/markets', label: 'Markets' },
  { to: '/strategies', label: 'Strategies' },
  { to: '/live', label: 'Live' },
  { to: '/portfolio', label: 'Portfolio' },
  { to: '/orders', label: 'Orders' },
  { to: '/game', label: 'Game' },
  { to: '/connect-four', label: 'Connect Four' },
  { to: '/tag', label: 'Tag' },
  { to: '/admin', label: 'Operations', admin: true },
  { to: '/security', label: 'Security' },
  { to: '/api-keys', label: 'API keys' },
];

export function Layout({ children }: { children: ReactNode }): ReactNode {
  const user = useUser();
  const { signOut } = useSession();
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/" className="brand">
          <svg viewBox="0 0 16 16" width="22" height="22" aria-hidden="true">
            <path
              d="M1 12 5 7l3 3 6-7"
              stroke="currentColor"
              strokeWidth="2"
              fill="none"
              strokeLinecap="round"
              strokeLinejoin="round"
            />
          </svg>
          Tickline
        </Link>
        <nav aria-label="Main" className="nav">
          {NAV.filter((item) => !item.admin || user.role === 'admin').map((item) => (
            <Link key={item.to} to={item.to} nav className="nav-link">
              {item.label}
            </Link>
          ))}
        </nav>
        <div className="topbar-end">
          <ConnectionIndicator />
          <NotificationsButton />
          <span className="user-email" title={user.email}>
            {user.displayName ?? user.email}
          </span>
          <Link to="/settings/notifications" className="nav-link" nav>
            Settings
          </Link>
          <button type="button" className="button button-small button-ghost" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      {children}
    </div>
  );
}
