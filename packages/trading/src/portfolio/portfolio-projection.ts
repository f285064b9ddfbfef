/**
 * @module The portfolio read model in SQL (migration 0009: `portfolios`, `portfolio_positions`,
 * `portfolio_equity`), kept by the store's idempotent projection helper: each event is claimed
 * once per consumer in the same transaction as its rows, so a redelivered or replayed event changes
 * nothing. Inside a batch every touched portfolio is loaded from its rows into a
 * {@link CorePortfolioLedger}, the events are applied with the core ledger, and the rows written
 * back — the tables are always what the core ledger makes of the events, nothing cached that a
 * rolled-back transaction could leave ahead of them.
 *
 * Events, consumed by type (no import of their producers):
 * - `account.snapshot.generated` — opens the portfolio (id = the account id) with its cash and
 *   positions; a second snapshot for an open portfolio is ignored.
 * - `order.filled` — books the execution.
 * - `market.candle.closed` of one-minute candles — marks held positions to the close (unrealized
 *   P&L, equity history: one point per portfolio per minute, thinned with age by equity-compaction.ts).
 */
import type { EventEnvelope } from '@tickline/kernel';
import { createSqlProjection, type Sql, type SqlProjection, type SqlTx } from '@tickline/store';
import type { OrderFilledData } from '../broker/events.ts';
import { CorePortfolioLedger } from './portfolio-ledger.ts';

/** The consumer name (checkpoint and claims) of the projection. */
export const PORTFOLIO_PROJECTION_CONSUMER = 'strategy.portfolios';

/** The event types it reads. */
export const PORTFOLIO_PROJECTION_EVENTS = [
  'account.snapshot.generated',
  'order.filled',
  'market.candle.closed',
] as const;

interface SnapshotData {
  accountId: string;
  currency: string;
  cash: string | number;
  positions: Array<{ symbol: string; quantity: string | number; averagePrice: string | number }>;
}

interface CandleData {
  symbol: string;
  interval?: string;
  close: number;
  closeTime: number;
  incomplete?: boolean;
}

/**
 * Marks come from one-minute candles only: the books in SQL move with the market once a minute,
 * not once a second per held symbol (the write load was users × symbols × 1 Hz). A fill books at
 * once whatever the interval.
 */
const MARK_INTERVAL = '1m';
/** One equity point per portfolio per minute (the latest figure of the minute); equity-compaction.ts thins older ones. */
export const EQUITY_POINT_MS = 60_000;

interface PortfolioRow {
  portfolio_id: string;
  currency: string;
  opening_cash: number;
  cash: number;
  day: number | null;
  day_start_equity: number;
  fills: number;
}

interface PositionRow {
  symbol: string;
  quantity: number;
  average_price: number;
  mark_price: number;
  realized_pnl: number;
  fees: number;
}

/** Loads a portfolio's rows into the ledger; undefined when the portfolio is not open. */
export async function loadPortfolio(
  tx: SqlTx,
  ledger: CorePortfolioLedger,
  portfolioId: string,
): Promise<PortfolioRow | undefined> {
  const { rows } = await tx.query<PortfolioRow>(
    'select portfolio_id, currency, opening_cash, cash, day, day_start_equity, fills from portfolios where portfolio_id = $1 for update',
    [portfolioId],
  );
  const row = rows[0];
  if (row === undefined) return undefined;
  const positions = await tx.query<PositionRow>(
    'select symbol, quantity, average_price, mark_price, realized_pnl, fees from portfolio_positions where portfolio_id = $1',
    [portfolioId],
  );
  ledger.open(
    portfolioId,
    Number(row.cash),
    positions.rows.map((p) => ({
      symbol: p.symbol,
      quantity: Number(p.quantity),
      averagePrice: Number(p.average_price),
      markPrice: Number(p.mark_price),
      realizedPnl: Number(p.realized_pnl),
      fees: Number(p.fees),
    })),
    {
      day: row.day === null ? Number.NaN : Number(row.day),
      dayStartEquity: Number(row.day_start_equity),
      fills: Number(row.fills),
    },
  );
  return row;
}

/** Writes a portfolio's figures, positions and (at `atMs`) an equity point. */
async function save(
  tx: SqlTx,
  ledger: CorePortfolioLedger,
  portfolioId: string,
  atMs: number,
): Promise<void> {
  const day = ledger.dayState(portfolioId)!;
  const equity = ledger.equity(portfolioId);
  const cash = ledger.cash(portfolioId);
  await tx.query(
    `update portfolios set cash = $2, equity = $3, day_start_equity = $4, day = $5, fills = $6, updated_at = now()
     where portfolio_id = $1`,
    [portfolioId, cash, equity, day.dayStartEquity, Number.isNaN(day.day) ? null : day.day, day.fills],
  );
  for (const p of ledger.positions(portfolioId)) {
    await tx.query(
      `insert into portfolio_positions
         (portfolio_id, symbol, quantity, average_price, mark_price, realized_pnl, unrealized_pnl, fees, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, now())
       on conflict (portfolio_id, symbol) do update set quantity = excluded.quantity,
         average_price = excluded.average_price, mark_price = excluded.mark_price,
         realized_pnl = excluded.realized_pnl, unrealized_pnl = excluded.unrealized_pnl,
         fees = excluded.fees, updated_at = excluded.updated_at`,
      [
        portfolioId,
        p.symbol,
        p.quantity,
        p.averagePrice,
        p.markPrice,
        p.realizedPnl,
        p.unrealizedPnl,
        p.fees,
      ],
    );
  }
  await tx.query(
    `insert into portfolio_equity (portfolio_id, at_ms, equity, cash) values ($1, $2, $3, $4)
     on conflict (portfolio_id, at_ms) do update set equity = excluded.equity, cash = excluded.cash`,
    [portfolioId, Math.floor(atMs / EQUITY_POINT_MS) * EQUITY_POINT_MS, equity, cash],
  );
}

/** A fill the projection booked, with the portfolio's cash and equity right after it. */
export interface BookedFill {
  fill: OrderFilledData;
  cash: number;
  equity: number;
}

/**
 * Applies a batch of events to the portfolio tables (inside the projection's transaction);
 * `booked` hears each fill booked, in order.
 */
export async function projectPortfolioEvents(
  tx: SqlTx,
  events: readonly EventEnvelope[],
  booked?: (fill: BookedFill) => void,
): Promise<void> {
  const ledger = new CorePortfolioLedger();
  const open = new Set<string>();
  const dirty = new Map<string, number>();
  const touch = async (portfolioId: string): Promise<boolean> => {
    if (open.has(portfolioId)) return true;
    if ((await loadPortfolio(tx, ledger, portfolioId)) === undefined) return false;
    open.add(portfolioId);
    return true;
  };
  for (const event of events) {
    if (event.type === 'account.snapshot.generated') {
      const data = event.data as SnapshotData;
      if (await touch(data.accountId)) continue;
      const cash = Number(data.cash);
      const at = Date.parse(event.time ?? '') || 0;
      await tx.query(
        `insert into portfolios (portfolio_id, currency, opening_cash, cash, equity, day_start_equity, day, fills, opened_at, updated_at)
         values ($1, $2, $3, $3, $3, $3, null, 0, now(), now()) on conflict (portfolio_id) do nothing`,
        [data.accountId, data.currency, cash],
      );
      ledger.open(
        data.accountId,
        cash,
        data.positions.map((p) => ({
          symbol: p.symbol,
          quantity: Number(p.quantity),
          averagePrice: Number(p.averagePrice),
        })),
      );
      open.add(data.accountId);
      dirty.set(data.accountId, at);
    } else if (event.type === 'order.filled') {
      const data = event.data as OrderFilledData;
      // A fill for a portfolio without an opening snapshot has nothing to be booked against.
      if (!(await touch(data.portfolioId))) continue;
      ledger.applyFill(data);
      dirty.set(data.portfolioId, data.fill.time);
      booked?.({ fill: data, cash: ledger.cash(data.portfolioId), equity: ledger.equity(data.portfolioId) });
    } else if (event.type === 'market.candle.closed') {
      const data = event.data as CandleData;
      if (data.interval !== undefined && data.interval !== MARK_INTERVAL) continue;
      const { rows } = await tx.query<{ portfolio_id: string }>(
        'select portfolio_id from portfolio_positions where symbol = $1 and quantity <> 0',
        [data.symbol],
      );
      for (const r of rows) await touch(r.portfolio_id);
      // Marks every loaded book holding the symbol (the ledger marks all it knows).
      ledger.mark(data.symbol, data.close, data.closeTime);
      for (const id of open) if (ledger.position(id, data.symbol)?.quantity) dirty.set(id, data.closeTime);
    }
  }
  for (const [portfolioId, atMs] of dirty) await save(tx, ledger, portfolioId, atMs);
}

/**
 * What the projection tells of the fills it books: an event per fill (`portfolio.order.filled`),
 * written in the booking's transaction to the order outbox's table (`broker_order_events`) and
 * handed to the outbox once committed. Told from there, a notice is neither lost by a process
 * killed after booking (the outbox re-sends it at the next start) nor told twice (the booking
 * claims its fill once).
 */
export interface BookedFillNotices {
  notice(booked: BookedFill): EventEnvelope;
  /** Stores the notices in the projection's transaction. */
  store(tx: SqlTx, notices: readonly EventEnvelope[]): Promise<void>;
  /** The notices of a committed batch, to publish. */
  committed(notices: readonly EventEnvelope[]): void;
}

/**
 * Whether the projection claims an event (a row in `processed_events`, kept a day): the events it
 * books, not the candles it passes over — the 1-second candles of every symbol were ~40 claims a
 * second on the embedded default, 3.5 million rows a day, for nothing.
 */
const claims = (event: EventEnvelope): boolean =>
  event.type !== 'market.candle.closed' ||
  ((event.data as CandleData).interval ?? MARK_INTERVAL) === MARK_INTERVAL;

/**
 * The portfolio projection over `sql`; hand its `handle` to an eventlog consumer runner reading
 * {@link PORTFOLIO_PROJECTION_EVENTS}.
 */
export function createPortfolioProjection(
  sql: Sql,
  consumer = PORTFOLIO_PROJECTION_CONSUMER,
  notices?: BookedFillNotices,
): SqlProjection {
  /** The notices of the last attempt (a transaction retried makes them again). */
  let made: EventEnvelope[] = [];
  const projection = createSqlProjection({
    sql,
    consumer,
    claims,
    project: async (tx, events) => {
      if (notices === undefined) return projectPortfolioEvents(tx, events);
      const booked: BookedFill[] = [];
      await projectPortfolioEvents(tx, events, (fill) => booked.push(fill));
      made = booked.map((fill) => notices.notice(fill));
      if (made.length > 0) await notices.store(tx, made);
    },
  });
  if (notices === undefined) return projection;
  const apply: SqlProjection['apply'] = async (events, context) => {
    made = [];
    const result = await projection.apply(events, context);
    const committed = made;
    made = [];
    if (committed.length > 0) notices.committed(committed);
    return result;
  };
  return {
    ...projection,
    apply,
    handle: async (events, context) => {
      await apply(events, context);
    },
  };
}
