/**
 * @module Orders: the paper order ticket, working orders with cancel, and the history with fills.
 * Order events on `user:{id}` refresh the tables the moment the venue answers.
 */
import type { Order, PortfolioDetail } from '@tickline/client';
import { useState, type ReactNode } from 'react';
import { Link } from '../../app/router.tsx';
import { useSession } from '../../app/session.tsx';
import { FormError } from '../../components/field.tsx';
import { ErrorState, Loading } from '../../components/states.tsx';
import { useAsync } from '../../components/use-async.ts';
import { OpenOrders, OrderHistory } from './order-tables.tsx';
import { OrderTicket } from './order-ticket.tsx';
import { PortfolioStats } from './portfolio-page.tsx';
import { orderErrorText } from './portfolio-format.ts';
import { PortfolioGate } from './portfolio-gate.tsx';
import { ORDER_EVENTS, usePortfolio, useSettledEvents } from './use-portfolio.ts';
import { liveVenueName, useVenue } from './use-venue.ts';

/** Orders the history shows. */
const HISTORY_LIMIT = 100;

export function OrdersPage(): ReactNode {
  const portfolio = usePortfolio();
  return (
    <main id="main" className="page">
      <header className="page-header">
        <h1>Orders</h1>
        <p className="muted">
          Orders go to the portfolio’s venue: on paper they fill against live trades with the backtest’s fees
          and slippage; a bound venue fills them itself. See the result on your{' '}
          <Link to="/portfolio">portfolio</Link>.
        </p>
      </header>
      <PortfolioGate state={portfolio}>{(loaded) => <OrdersBody portfolio={loaded} />}</PortfolioGate>
    </main>
  );
}

function OrdersBody({ portfolio }: { portfolio: PortfolioDetail }): ReactNode {
  const { client } = useSession();
  const id = portfolio.portfolioId;
  // The history holds the working orders too; they are asked for apart only when it is full.
  const history = useAsync(
    () => client.portfolios.orders(id, { status: 'all', limit: HISTORY_LIMIT }),
    [client, id],
  );
  const [cancelling, setCancelling] = useState<ReadonlySet<string>>(new Set());
  const [cancelError, setCancelError] = useState<string>();
  const full = (history.data?.length ?? 0) >= HISTORY_LIMIT;
  const working = useAsync(async () => (full ? client.portfolios.orders(id) : undefined), [client, id, full]);
  const open = {
    ...working,
    data: full
      ? working.data
      : history.data?.filter((o) => o.status === 'new' || o.status === 'partially_filled'),
    reload: history.reload,
  };
  // The portfolio re-reads itself on the same events (usePortfolio).
  const refresh = () => {
    history.reload();
    if (full) working.reload();
  };
  useSettledEvents(ORDER_EVENTS, refresh);
  const venue = useVenue(id);

  async function cancel(order: Order) {
    setCancelError(undefined);
    setCancelling((s) => new Set(s).add(order.clientOrderId));
    try {
      await client.portfolios.cancelOrder(id, order);
    } catch (error) {
      setCancelError(orderErrorText(error));
    } finally {
      setCancelling((s) => {
        const next = new Set(s);
        next.delete(order.clientOrderId);
        return next;
      });
      refresh();
    }
  }

  return (
    <div className="grid orders-layout">
      <div className="stack">
        <OrderTicket portfolio={portfolio} venue={liveVenueName(venue.data)} onPlaced={refresh} />
        <section className="card" aria-label="Portfolio summary">
          <PortfolioStats portfolio={portfolio} />
        </section>
      </div>
      <div className="stack">
        <section className="card" aria-labelledby="open-title">
          <h2 id="open-title">Open orders</h2>
          <FormError message={cancelError} />
          {open.status === 'error' && !open.data ? (
            <ErrorState error={open.error} onRetry={open.reload} />
          ) : null}
          {open.data ? (
            <OpenOrders orders={open.data} cancelling={cancelling} onCancel={(o) => void cancel(o)} />
          ) : (
            <Loading />
          )}
        </section>
        <section className="card" aria-labelledby="history-title">
          <h2 id="history-title">History</h2>
          {history.status === 'error' && !history.data ? (
            <ErrorState error={history.error} onRetry={history.reload} />
          ) : null}
          {history.data ? <OrderHistory orders={history.data} /> : <Loading />}
        </section>
      </div>
    </div>
  );
}
