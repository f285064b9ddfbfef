/**
 * @module Every strategy process's books follow the log. A portfolio's paper orders may be placed
 * and filled by any strategy process — the owner of one of its runs, or whichever process a
 * gateway forwarded a manual order to — and each process answers the funds check and
 * `GET /portfolios/:id` from its own books in memory. Booking only its own fills, and opening only
 * the accounts whose snapshot its share of the (shared) projection happened to take, a second
 * process answered "0 USDT free" for an account another had opened.
 *
 * So each process reads account snapshots and fills from a durable of its own
 * (`strategy.books.<member>`): a snapshot opens the account's books at once; a fill marks its
 * portfolio to be caught up. Its own fills are booked at once, in memory; another process's reach
 * here through SQL: once the projection (`strategy.portfolios`) has claimed every fill of a
 * portfolio seen here and SQL counts more fills than the books, the books take SQL's figures.
 * Fills are the only thing that changes a portfolio's cash, so the books are whole again within
 * the projection's lag.
 */
import { createConsumerRunner, type ConsumerRunner, type EventLog } from '@tickline/eventlog';
import {
  createBeatService,
  type EventEnvelope,
  type Logger,
  type Registry,
  type Service,
} from '@tickline/kernel';
import type { Sql } from '@tickline/store';
import { CorePortfolioLedger } from '../portfolio/portfolio-ledger.ts';
import { loadPortfolio, PORTFOLIO_PROJECTION_CONSUMER } from '../portfolio/portfolio-projection.ts';

/** How often portfolios with fills from elsewhere are compared with SQL. */
export const BOOKS_CATCH_UP_INTERVAL_MS = 250;
/**
 * How long a process's books durable outlives the process: a restart within it resumes, and a
 * process replaced for good (a new pod, the old colour of a blue/green release) leaves nothing
 * whose lag grows forever. Its books load from SQL at start either way.
 */
export const MEMBER_DURABLE_EXPIRY_MS = 15 * 60_000;

const FOLLOWED = new Set(['account.snapshot.generated', 'order.filled']);

/** Opens the books of the account an `account.snapshot.generated` event opened, unless they are. */
export function openFromSnapshot(books: CorePortfolioLedger, event: EventEnvelope): void {
  if (event.type !== 'account.snapshot.generated') return;
  const d = event.data as { accountId: string; cash: string | number };
  if (!books.has(d.accountId)) books.open(d.accountId, Number(d.cash), []);
}

/** Options for {@link createBooksFollower}. */
export interface BooksFollowerOptions {
  eventLog: EventLog;
  sql: Sql;
  books: CorePortfolioLedger;
  /** This process's member name: its durable is `strategy.books.<member>`. */
  member: string;
  metrics?: Registry;
  /** @default BOOKS_CATCH_UP_INTERVAL_MS */
  catchUpIntervalMs?: number;
}

/** The consumer and the catch-up beat, to start after the books were loaded. */
export function createBooksFollower(options: BooksFollowerOptions): [ConsumerRunner, Service] {
  const { books, sql } = options;
  /** Fill event ids seen here, by portfolio, not yet known to be booked in SQL. */
  const pending = new Map<string, Set<string>>();
  const consumer = createConsumerRunner({
    log: options.eventLog,
    name: `strategy.books.${options.member}`,
    start: { from: 'latest' },
    expireAfterMs: MEMBER_DURABLE_EXPIRY_MS,
    types: FOLLOWED,
    ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
    handle: async (events) => {
      for (const e of events) {
        openFromSnapshot(books, e);
        if (e.type === 'order.filled') {
          const { portfolioId } = e.data as { portfolioId: string };
          pending.set(portfolioId, (pending.get(portfolioId) ?? new Set()).add(e.id));
        }
      }
    },
  });
  const catchUp = async (logger: Logger): Promise<void> => {
    for (const [portfolioId, ids] of pending) {
      const { rows } = await sql.query<{ event_id: string }>(
        'select event_id from processed_events where consumer = $1 and event_id = any($2::text[])',
        [PORTFOLIO_PROJECTION_CONSUMER, [...ids]],
      );
      for (const row of rows) ids.delete(row.event_id);
      if (ids.size > 0) continue;
      pending.delete(portfolioId);
      await sql.transaction(async (tx) => {
        const stored = new CorePortfolioLedger();
        if ((await loadPortfolio(tx, stored, portfolioId)) === undefined) return;
        const inMemory = books.dayState(portfolioId)?.fills ?? 0;
        // Fewer in SQL: this process's own fills are not projected yet; they come by here too.
        if (stored.dayState(portfolioId)!.fills <= inMemory) return;
        await loadPortfolio(tx, books, portfolioId);
        logger.debug({ portfolioId, fills: stored.dayState(portfolioId)!.fills }, 'books caught up from SQL');
      });
    }
  };
  const beat = createBeatService({
    name: 'strategy-books-catch-up',
    intervalMs: options.catchUpIntervalMs ?? BOOKS_CATCH_UP_INTERVAL_MS,
    beat: catchUp,
  });
  return [consumer, beat];
}
