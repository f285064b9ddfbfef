/**
 * @module The live host's reconciler: its reports in SQL, its events on the host's publisher, the
 * books' cash asset read from the portfolio's row (its account's currency).
 */
import {
  type Clock,
  createEventSource,
  type EventEnvelope,
  type Logger,
  silentLogger,
} from '@tickline/kernel';
import type { Sql } from '@tickline/store';
import type { OrderJournal } from '../broker/order-journal.ts';
import type { CorePortfolioLedger } from '../portfolio/portfolio-ledger.ts';
import { Reconciler } from './reconciler.ts';
import { ReconciliationStore } from './reconciliation-store.ts';

/** The cash asset of a portfolio whose row is not there yet. */
const DEFAULT_CASH_ASSET = 'USDT';

/** What {@link createHostReconciler} takes of the live host's deps. */
export interface HostReconcilerDeps {
  sql: Sql;
  clock: Clock;
  publish: (event: EventEnvelope) => void;
  venues?: { logger: Logger } | undefined;
}

/** See the module comment. */
export function createHostReconciler(
  deps: HostReconcilerDeps,
  journal: OrderJournal,
  books: CorePortfolioLedger,
): Reconciler {
  return new Reconciler({
    journal,
    books,
    store: new ReconciliationStore(deps.sql),
    publish: deps.publish,
    source: createEventSource({ source: 'strategy/reconciliation', clock: deps.clock }),
    clock: deps.clock,
    logger: deps.venues?.logger ?? silentLogger,
    cashAssetOf: async (portfolioId) => {
      const { rows } = await deps.sql.query<{ currency: string }>(
        'select currency from portfolios where portfolio_id = $1',
        [portfolioId],
      );
      return rows[0]?.currency ?? DEFAULT_CASH_ASSET;
    },
  });
}
