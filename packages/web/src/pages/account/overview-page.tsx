/**
 * @module The signed-in home: the account, its paper portfolio (pending until the
 * `account.snapshot.generated` event arrives and the portfolio opens, then its live equity, cash
 * and positions, linking to the portfolio page), and the newest inbox entries — the same list the
 * inbox page and the bell's count come from, kept current by the inbox's live events (what came
 * only on the stream shows when there is no inbox: notify not composed).
 */
import { useEvents } from '@tickline/client/react';
import {
  Channel,
  EventType,
  type AccountSnapshot,
  type AccountSnapshotStatus,
  type InboxItem,
} from '@tickline/protocol';
import type { ReactNode } from 'react';
import { Link } from '../../app/router.tsx';
import { useSession, useUser } from '../../app/session.tsx';
import { formatMoney } from '../../components/describe-event.ts';
import { NotificationList, useNotifications, type Notification } from '../../components/notifications.tsx';
import { ErrorState, Loading } from '../../components/states.tsx';
import { useAsync } from '../../components/use-async.ts';
import { PortfolioStats } from '../portfolio/portfolio-page.tsx';
import { usePortfolio, useSettledEvents } from '../portfolio/use-portfolio.ts';

function openPositions(n: number): string {
  return n === 1 ? '1 open position' : `${n} open positions`;
}

export function OverviewPage(): ReactNode {
  const user = useUser();
  const { client } = useSession();
  const { items } = useNotifications();
  const recent = useAsync(() => client.notifications.inbox({ limit: RECENT }), [client, user.id]);
  // Settled, not once an entry: a live run on 1 s candles adds an entry a second, which alone would
  // spend the free tier's 60 requests a minute.
  useSettledEvents([EventType.NotificationInboxAdded, EventType.NotificationInboxRead], recent.reload);
  const portfolio = usePortfolio();
  const snapshot = useAsync(
    () => client.request<AccountSnapshotStatus>({ method: 'GET', path: '/api/v1/accounts/me/snapshot' }),
    [client, user.id],
  );
  useEvents<AccountSnapshot>(
    [EventType.AccountSnapshotGenerated],
    (event) => snapshot.set({ status: 'ready', snapshot: event.data }),
    {
      channels: [Channel.user(user.id)],
      onReset: () => snapshot.reload(),
    },
  );

  return (
    <main id="main" className="page">
      <header className="page-header">
        <h1>Welcome, {user.displayName ?? user.email}</h1>
        <p className="muted">
          {user.role === 'admin' ? 'Administrator' : 'Member'} · {user.tier} tier · two-factor{' '}
          {user.mfaEnabled ? 'on' : 'off'}
        </p>
      </header>
      <div className="grid grid-2">
        <section className="card" aria-labelledby="portfolio-title">
          <div className="row spread">
            <h2 id="portfolio-title">Paper portfolio</h2>
            {portfolio.data ? <Link to="/portfolio">Open portfolio →</Link> : null}
          </div>
          {portfolio.data ? (
            <div className="stack" data-testid="portfolio">
              <PortfolioStats portfolio={portfolio.data} />
              <p className="muted small">
                {openPositions(portfolio.data.positions.filter((p) => p.quantity !== 0).length)} ·{' '}
                <Link to="/orders">place an order</Link> · <Link to="/live">run a strategy live</Link>
              </p>
            </div>
          ) : (
            <PortfolioBody state={snapshot} />
          )}
        </section>
        <section className="card" aria-labelledby="recent-title">
          <div className="row spread">
            <h2 id="recent-title">Recent notifications</h2>
            {recent.data ? <Link to="/notifications">All notifications →</Link> : null}
          </div>
          <NotificationList items={recent.data ? recent.data.items.map(fromInbox) : items.slice(0, RECENT)} />
        </section>
      </div>
    </main>
  );
}

/** Inbox entries shown on the overview. */
const RECENT = 5;

function fromInbox(item: InboxItem): Notification {
  return {
    id: item.id,
    type: item.kind,
    title: item.title,
    body: item.body,
    receivedAt: new Date(item.createdAt),
    read: item.readAt !== null,
  };
}

function PortfolioBody({ state }: { state: ReturnType<typeof useAsync<AccountSnapshotStatus>> }): ReactNode {
  if (state.status === 'error') return <ErrorState error={state.error} onRetry={state.reload} />;
  if (!state.data) return <Loading label="Loading portfolio…" />;
  if (state.data.status === 'pending') {
    return <Loading label="Setting up your paper portfolio — it appears here as soon as it is ready." />;
  }
  const { snapshot } = state.data;
  return (
    <div className="portfolio" data-testid="portfolio">
      <div className="stat">
        <span className="stat-label">Cash</span>
        <span className="stat-value">{formatMoney(snapshot.cash, snapshot.currency)}</span>
      </div>
      <div className="stat">
        <span className="stat-label">Positions</span>
        <span className="stat-value">{snapshot.positions.length}</span>
      </div>
      <p className="muted">Generated {new Date(snapshot.generatedAt).toLocaleString()}</p>
    </div>
  );
}
