/**
 * @module The paper portfolio: equity, cash and today's P&L, the equity chart (a day, week or
 * month of stored history plus the live figure), positions marked to the latest price, the profit
 * summary and closed trades, the latest orders, the risk controls (kill switch,
 * limits) and the venue (paper, or Binance spot with a key). Order events on
 * `user:{id}` refresh it at once; marks are re-read every few seconds.
 */
import type { PortfolioDetail } from '@tickline/client';
import type { ReactNode } from 'react';
import { Link } from '../../app/router.tsx';
import { useSession } from '../../app/session.tsx';
import { ErrorState, Loading } from '../../components/states.tsx';
import { useAsync } from '../../components/use-async.ts';
import { EquityCard } from './equity-card.tsx';
import { OrderHistory } from './order-tables.tsx';
import { formatPnl, formatUsd, pnlClass } from './portfolio-format.ts';
import { PositionsTable } from './positions-table.tsx';
import { RiskControls } from './risk-controls.tsx';
import { TradeResults } from './trade-results.tsx';
import { ReconciliationCard } from './reconciliation-card.tsx';
import { VenueCard } from './venue-card.tsx';
import { PortfolioGate } from './portfolio-gate.tsx';
import { ORDER_EVENTS, usePortfolio, useSettledEvents } from './use-portfolio.ts';
import { liveVenueName, useVenue } from './use-venue.ts';

export function PortfolioPage(): ReactNode {
  const portfolio = usePortfolio();
  return (
    <main id="main" className="page">
      <header className="page-header">
        <h1>Portfolio</h1>
        <p className="muted">
          Your portfolio, marked to live prices. Trade on the <Link to="/orders">Orders</Link> page or let a
          strategy trade <Link to="/live">live</Link>.
        </p>
      </header>
      <PortfolioGate state={portfolio}>{(loaded) => <PortfolioBody portfolio={loaded} />}</PortfolioGate>
    </main>
  );
}

/** The headline figures; also shown on the overview. */
export function PortfolioStats({ portfolio }: { portfolio: PortfolioDetail }): ReactNode {
  const today = portfolio.equity - portfolio.dayStartEquity;
  const unrealized = portfolio.positions.reduce((sum, p) => sum + p.unrealizedPnl, 0);
  return (
    <div className="portfolio-stats" data-testid="portfolio-stats">
      <div className="stat">
        <span className="stat-label">Equity</span>
        <span className="stat-value" data-testid="portfolio-equity">
          {formatUsd(portfolio.equity)}
        </span>
      </div>
      <div className="stat">
        <span className="stat-label">Cash</span>
        <span className="stat-value" data-testid="portfolio-cash">
          {formatUsd(portfolio.cash)}
        </span>
      </div>
      <div className="stat">
        <span className="stat-label">Today</span>
        <span className={`stat-value ${pnlClass(today)}`}>{formatPnl(today)}</span>
      </div>
      <div className="stat">
        <span className="stat-label">Unrealized</span>
        <span className={`stat-value ${pnlClass(unrealized)}`}>{formatPnl(unrealized)}</span>
      </div>
    </div>
  );
}

function PortfolioBody({ portfolio }: { portfolio: PortfolioDetail }): ReactNode {
  const { client } = useSession();
  const id = portfolio.portfolioId;
  const orders = useAsync(() => client.portfolios.orders(id, { status: 'all', limit: 8 }), [client, id]);
  useSettledEvents(ORDER_EVENTS, orders.reload);
  const venue = useVenue(id);
  const live = liveVenueName(venue.data);

  return (
    <div className="stack">
      {live ? (
        <p className="card muted" data-testid="venue-note">
          Trading on {live}: orders go to the venue. The figures below are this portfolio&apos;s own books —
          what its orders did there; the account&apos;s balances at the venue are in the Venue card.
        </p>
      ) : null}
      <section className="card" aria-label="Summary">
        <PortfolioStats portfolio={portfolio} />
      </section>
      <EquityCard portfolio={portfolio} />
      <section className="card" aria-labelledby="positions-title">
        <h2 id="positions-title">Positions</h2>
        <PositionsTable positions={portfolio.positions} />
      </section>
      <section className="card" aria-labelledby="results-title">
        <h2 id="results-title">Profit and closed trades</h2>
        <TradeResults source={{ kind: 'portfolio', id }} />
      </section>
      <section className="card" aria-labelledby="recent-orders-title">
        <div className="row spread">
          <h2 id="recent-orders-title">Latest orders</h2>
          <Link to="/orders">All orders →</Link>
        </div>
        {orders.status === 'error' && !orders.data ? (
          <ErrorState error={orders.error} onRetry={orders.reload} />
        ) : null}
        {orders.data ? <OrderHistory orders={orders.data} /> : <Loading label="Loading orders…" />}
      </section>
      <RiskControls portfolioId={id} />
      <VenueCard portfolioId={id} venue={venue} />
      <ReconciliationCard portfolioId={id} />
    </div>
  );
}
