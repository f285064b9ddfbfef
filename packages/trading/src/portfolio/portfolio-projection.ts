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

/** Applies a batch of events to the portfolio tables (inside the projection's transaction). */
export async function projectPortfolioEvents(tx: SqlTx, events: readonly EventEnvelope[]): Promise<void> {
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

/** The portfolio projection over `sql`; hand its `handle` to an eventlog consumer runner. */
export function createPortfolioProjection(sql: Sql, consumer = PORTFOLIO_PROJECTION_CONSUMER): SqlProjection {
  return createSqlProjection({ sql, consumer, project: (tx, events) => projectPortfolioEvents(tx, events) });
}
