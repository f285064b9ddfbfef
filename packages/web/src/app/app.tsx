/**
 * @module The dashboard shell: session gate, the signed-in layout (header, navigation, connection
 * indicator, notifications) with one `TicklineProvider` per user, and the page table.
 */
import type { PublicUser } from '@tickline/protocol';
import { TicklineProvider } from '@tickline/client/react';
import { Channel } from '@tickline/protocol';
import { useEffect, useState, type ReactNode } from 'react';
import { ApiKeysPage } from '../pages/account/api-keys-page.tsx';
import { OverviewPage } from '../pages/account/overview-page.tsx';
import { SecurityPage } from '../pages/account/security-page.tsx';
import { SignInPage } from '../pages/auth/sign-in-page.tsx';
import { SignUpPage } from '../pages/auth/sign-up-page.tsx';
import { VerifyEmailPage } from '../pages/auth/verify-email-page.tsx';
import { OidcCallbackPage } from '../pages/auth/oidc-callback-page.tsx';
import { VerifyEmailBanner } from '../components/verify-email-banner.tsx';
import { AdminPage } from '../pages/admin/admin-page.tsx';
import { GamePage } from '../pages/game/game-page.tsx';
import { ConnectFourPage } from '../pages/game/connect-four-page.tsx';
import { TagPage } from '../pages/game/tag-page.tsx';
import { PlayPage } from '../pages/game/play-page.tsx';
import { MarketPage } from '../pages/markets/market-page.tsx';
import { MarketsPage } from '../pages/markets/markets-page.tsx';
import { HistoryPage } from '../pages/markets/history-page.tsx';
import { LiveStrategiesPage } from '../pages/live/live-strategies-page.tsx';
import { NotFoundPage } from '../pages/not-found-page.tsx';
import { OrdersPage } from '../pages/portfolio/orders-page.tsx';
import { PortfolioPage } from '../pages/portfolio/portfolio-page.tsx';
import { InboxPage } from '../pages/notifications/inbox-page.tsx';
import { NotificationSettingsPage } from '../pages/notifications/settings-page.tsx';
import { BacktestPage, CompareBacktestsPage } from '../pages/strategies/backtest-page.tsx';
import { ResearchPage } from '../pages/research/research-page.tsx';
import { StrategiesPage } from '../pages/strategies/strategies-page.tsx';
import { StrategyPage } from '../pages/strategies/strategy-page.tsx';
import { Loading } from '../components/states.tsx';
import { NotificationsProvider, Toast } from '../components/notifications.tsx';
import { createPageClient } from './client.ts';
import { Layout } from './layout.tsx';
import { RouterProvider, matchPath, useRouter } from './router.tsx';
import { SessionProvider, useSession } from './session.tsx';

/** Pages for signed-in users; the first match wins. */
const PAGES: ReadonlyArray<{
  path: string;
  title: string;
  render: (params: Record<string, string>) => ReactNode;
}> = [
  { path: '/', title: 'Overview', render: () => <OverviewPage /> },
  { path: '/markets', title: 'Markets', render: () => <MarketsPage /> },
  { path: '/history', title: 'Get history', render: () => <HistoryPage /> },
  {
    path: '/markets/:symbol',
    title: 'Market',
    render: ({ symbol }) => <MarketPage key={symbol} symbol={symbol!} />,
  },
  { path: '/strategies', title: 'Strategies', render: () => <StrategiesPage /> },
  { path: '/strategies/:id', title: 'Strategy', render: ({ id }) => <StrategyPage key={id} id={id!} /> },
  {
    path: '/backtests/compare/:ids',
    title: 'Compare backtests',
    render: ({ ids }) => <CompareBacktestsPage ids={ids!} />,
  },
  { path: '/backtests/:id', title: 'Backtest', render: ({ id }) => <BacktestPage key={id} id={id!} /> },
  { path: '/research/:id', title: 'Research', render: ({ id }) => <ResearchPage key={id} id={id!} /> },
  { path: '/portfolio', title: 'Portfolio', render: () => <PortfolioPage /> },
  { path: '/orders', title: 'Orders', render: () => <OrdersPage /> },
  { path: '/live', title: 'Live strategies', render: () => <LiveStrategiesPage /> },
  { path: '/game', title: 'Game', render: () => <GamePage /> },
  { path: '/connect-four', title: 'Connect Four', render: () => <ConnectFourPage /> },
  { path: '/tag', title: 'Tag', render: () => <TagPage /> },
  { path: '/play/:game', title: 'Play', render: ({ game }) => <PlayPage key={game} game={game!} /> },
  { path: '/admin', title: 'Operations', render: () => <AdminPage /> },
  {
    path: '/admin/:section',
    title: 'Operations',
    render: ({ section }) => <AdminPage section={section} />,
  },
  { path: '/security', title: 'Security', render: () => <SecurityPage /> },
  { path: '/api-keys', title: 'API keys', render: () => <ApiKeysPage /> },
  { path: '/notifications', title: 'Inbox', render: () => <InboxPage /> },
  {
    path: '/settings/notifications',
    title: 'Notification settings',
    render: () => <NotificationSettingsPage />,
  },
];
const PUBLIC_PAGES = new Set(['/sign-in', '/sign-up']);
/** Pages for signed-in and signed-out visitors alike (an email link opens in any state). */
const OPEN_PAGES = new Set(['/verify-email']);
/** An account younger than this replays its channel from its creation on the first connect. */
const FRESH_ACCOUNT_MS = 10 * 60 * 1000;

/**
 * Where the first connect resumes. A new account's id is a UUIDv7 of its creation time, so
 * resuming from it replays what was published since — the welcome snapshot comes while the page
 * is still connecting (seed 002), and would otherwise be missed.
 */
function resumeFrom(user: PublicUser): string | undefined {
  return Date.now() - Date.parse(user.createdAt) < FRESH_ACCOUNT_MS ? user.id : undefined;
}

export function App(): ReactNode {
  const [client] = useState(() => createPageClient());
  return (
    <RouterProvider>
      <SessionProvider client={client}>
        <Gate />
      </SessionProvider>
    </RouterProvider>
  );
}

function Gate(): ReactNode {
  const { state, client } = useSession();
  const { path, navigate } = useRouter();
  const signedIn = state.status === 'signed-in';
  const redirect =
    OPEN_PAGES.has(path) || path.startsWith('/auth/callback/')
      ? undefined
      : state.status === 'signed-out' && !PUBLIC_PAGES.has(path)
        ? '/sign-in'
        : signedIn && PUBLIC_PAGES.has(path)
          ? '/'
          : undefined;
  useEffect(() => {
    if (redirect) navigate(redirect, { replace: true });
  }, [redirect, navigate]);

  const page = PAGES.find((candidate) => matchPath(candidate.path, path));
  useEffect(() => {
    const title =
      path === '/sign-in' ? 'Sign in' : path === '/sign-up' ? 'Sign up' : (page?.title ?? 'Not found');
    document.title = `${title} · Tickline`;
  }, [path, page]);

  if (state.status === 'loading' || redirect) {
    return (
      <main id="main" className="auth-page">
        <Loading />
      </main>
    );
  }
  if (OPEN_PAGES.has(path)) return <VerifyEmailPage />;
  const callback = matchPath('/auth/callback/:provider', path);
  if (callback?.provider) return <OidcCallbackPage provider={callback.provider} />;
  if (state.status === 'signed-out') return path === '/sign-up' ? <SignUpPage /> : <SignInPage />;
  const channel = Channel.user(state.user.id);
  return (
    <TicklineProvider
      key={state.user.id}
      client={client}
      channels={[channel]}
      lastEventId={resumeFrom(state.user)}
    >
      <NotificationsProvider channel={channel}>
        <Layout>
          <VerifyEmailBanner />
          {page ? page.render(matchPath(page.path, path) ?? {}) : <NotFoundPage />}
        </Layout>
        <Toast />
      </NotificationsProvider>
    </TicklineProvider>
  );
}
