/**
 * @module Closed trades as FreqUI shows them, built from a portfolio's fills: a round trip per run
 * and symbol runs from flat to flat (several entries and partial exits make one trade), exits are
 * matched against entry lots first in, first out, so an open remainder keeps the price and fee of
 * the lots it still holds. Pure: orders in, trades and open lots out.
 *
 * Fees are booked in quote, as the books do (portfolio-ledger.ts): a base-asset fee at the fill
 * price, and on a buy it also reduces the quantity received. An entry's fee stays with its lot
 * until the lot is closed: an open position's buy fee is not realized (issue 48).
 *
 * A manual order (no run) that finds no manual position to reduce closes the runs' lots of that
 * symbol, oldest first: a force exit is placed as a manual order for exactly the run's position,
 * and its trades end with reason `force_exit`.
 */
import type { Order } from '../broker/order.ts';
import { symbolAssets } from './portfolio-ledger.ts';

/** Trades whose run is unknown (manual orders) carry this run key. */
export const MANUAL_RUN = 'manual';
const DAY_MS = 86_400_000;
/** A remainder below a billionth of what was entered is float dust, not a position. */
const DUST = 1e-9;

/** One execution, in quote, attributed to a run (the strategy that placed it) or to a person. */
export interface TradeFill {
  /** The run's strategy id in its portfolio, or {@link MANUAL_RUN}. */
  run: string;
  symbol: string;
  side: 'buy' | 'sell';
  /** Base units received or given (a base-asset fee on a buy already taken off). */
  quantity: number;
  price: number;
  /** In quote. */
  fee: number;
  time: number;
  /** Why the order was placed, as an exit reason (see {@link exitReasonOf}). */
  reason: string;
  /** Unique in the portfolio: the order's client id and the venue's trade id. */
  fillId: string;
}

/** A round trip from flat to flat. Prices are averages over its fills; profit is after every fee. */
export interface ClosedTrade {
  /** Stable: run, symbol and the first entry's fill id. */
  id: string;
  run: string;
  symbol: string;
  direction: 'long' | 'short';
  entryTime: number;
  exitTime: number;
  durationMs: number;
  /** Base units entered (the sum of the entries). */
  quantity: number;
  entryPrice: number;
  exitPrice: number;
  /** Entry and exit fees, in quote. */
  fees: number;
  /** Realized P&L after fees, in quote. */
  profit: number;
  /** `profit` over what the entries cost (entry notional). */
  profitPct: number;
  entries: number;
  exits: number;
  exitReason: string;
}

/** What is still held of a run's trade: its lots' quantity, average price and unrealized fees. */
export interface OpenTrade {
  run: string;
  symbol: string;
  direction: 'long' | 'short';
  entryTime: number;
  /** Base units still held. */
  quantity: number;
  /** Average price of the lots still held. */
  entryPrice: number;
  /** Entry fees of the lots still held: paid, but realized only when they close. */
  openFees: number;
  /** Every fee the trade paid so far (its entries and partial exits). */
  fees: number;
  /** What the partial exits so far realized, after their fees and the closed lots' entry fees. */
  realized: number;
}

interface Lot {
  quantity: number;
  price: number;
  /** Fee per unit, so a partial close takes its share. */
  feePerUnit: number;
}

/** A run's trade in one symbol being built. */
interface Building {
  run: string;
  symbol: string;
  dir: 1 | -1;
  entryTime: number;
  firstFill: string;
  lots: Lot[];
  entryQuantity: number;
  entryNotional: number;
  exitQuantity: number;
  exitNotional: number;
  fees: number;
  realizedGross: number;
  /** Fees of exits and of the entry lots they closed. */
  realizedFees: number;
  entries: number;
  exits: number;
}

/**
 * The exit reason an order stands for: a strategy's stop is `stop_loss`, its limit `limit`, its
 * market order `exit_signal`; a manual order `manual` (`force_exit` when it closes a run's lots).
 */
export function exitReasonOf(order: Pick<Order, 'type' | 'origin'>): string {
  if (order.origin?.kind !== 'strategy') return MANUAL_RUN;
  if (order.type === 'stop') return 'stop_loss';
  if (order.type === 'limit') return 'limit';
  return 'exit_signal';
}

/**
 * The fills of `orders`, oldest first, fees in quote, each attributed to its run. Fills of one time
 * go in the order their orders were placed (`createdAt`; then the order of `orders`), as the books
 * booked them. The journal lists orders by their last change, which moves an order each time it
 * changes: a force exit's sell and the run's next entry filled on one bar then swapped places
 * between two reads, and the same trade read as closed by the force exit, then as still open.
 * A fill is never booked before its order was placed: one stamped with an earlier price's time (a
 * candle that closed before the order, delivered after it) goes where it was booked, else a force
 * exit's sell went before the buy it closed, opened a short, and every later exit grew it.
 */
export function fillsOf(orders: Iterable<Order>): TradeFill[] {
  const fills: TradeFill[] = [];
  /** When each fill was booked at the earliest: its time, not before its order was placed. */
  const booked: number[] = [];
  const placed = [...orders].sort((a, b) => a.createdAt - b.createdAt);
  for (const order of placed) {
    const run = order.origin?.kind === 'strategy' ? order.origin.strategyId : MANUAL_RUN;
    const reason = exitReasonOf(order);
    const { base } = symbolAssets(order.symbol);
    for (const f of order.fills) {
      const baseFee = f.fee > 0 && f.feeAsset === base;
      const quantity = baseFee && order.side === 'buy' ? f.quantity - f.fee : f.quantity;
      const fee = baseFee ? f.fee * f.price : f.fee;
      fills.push({
        run,
        symbol: order.symbol,
        side: order.side,
        quantity,
        price: f.price,
        fee,
        time: f.time,
        reason,
        fillId: `${order.clientOrderId}/${f.tradeId}`,
      });
      booked.push(Math.max(f.time, order.createdAt));
    }
  }
  // Stable sort: fills of one time keep the order's own order.
  return fills
    .map((_, i) => i)
    .sort((a, b) => booked[a]! - booked[b]!)
    .map((i) => fills[i]!);
}

/** Builds the closed and open trades of `fills` (oldest first). Closed trades come oldest exit first. */
export function roundTrips(fills: Iterable<TradeFill>): { closed: ClosedTrade[]; open: OpenTrade[] } {
  const building = new Map<string, Building>();
  const closed: ClosedTrade[] = [];
  const keyOf = (run: string, symbol: string) => `${run}\u0000${symbol}`;

  const reduce = (b: Building, fill: TradeFill, quantity: number, feePerUnit: number): number => {
    let left = quantity;
    while (left > 0 && b.lots.length > 0) {
      const lot = b.lots[0]!;
      const q = Math.min(lot.quantity, left);
      b.realizedGross += (fill.price - lot.price) * q * b.dir;
      b.realizedFees += q * (lot.feePerUnit + feePerUnit);
      lot.quantity -= q;
      left -= q;
      if (lot.quantity <= b.entryQuantity * DUST) b.lots.shift();
    }
    const done = quantity - left;
    b.exitQuantity += done;
    b.exitNotional += done * fill.price;
    b.fees += done * feePerUnit;
    b.exits++;
    if (b.lots.length === 0) {
      building.delete(keyOf(b.run, b.symbol));
      closed.push(close(b, fill));
    }
    return left;
  };

  for (const fill of fills) {
    if (!(fill.quantity > 0)) continue;
    const dir = fill.side === 'buy' ? 1 : -1;
    const feePerUnit = fill.fee / fill.quantity;
    let left = fill.quantity;
    // The run's own opposite position first; a manual order with none closes the runs' lots.
    const own = building.get(keyOf(fill.run, fill.symbol));
    const targets =
      own !== undefined
        ? own.dir === -dir
          ? [own]
          : []
        : fill.run === MANUAL_RUN
          ? [...building.values()]
              .filter((b) => b.symbol === fill.symbol && b.dir === -dir)
              .sort((a, b) => a.entryTime - b.entryTime)
          : [];
    for (const b of targets) {
      if (left <= 0) break;
      const reason = b.run === fill.run || fill.reason !== MANUAL_RUN ? fill.reason : 'force_exit';
      left = reduce(b, { ...fill, reason }, left, feePerUnit);
    }
    if (left <= fill.quantity * DUST) continue;
    // What is left opens (or grows) the fill's own run's trade.
    const key = keyOf(fill.run, fill.symbol);
    let b = building.get(key);
    if (b === undefined) {
      b = {
        run: fill.run,
        symbol: fill.symbol,
        dir,
        entryTime: fill.time,
        firstFill: fill.fillId,
        lots: [],
        entryQuantity: 0,
        entryNotional: 0,
        exitQuantity: 0,
        exitNotional: 0,
        fees: 0,
        realizedGross: 0,
        realizedFees: 0,
        entries: 0,
        exits: 0,
      };
      building.set(key, b);
    }
    b.lots.push({ quantity: left, price: fill.price, feePerUnit });
    b.entryQuantity += left;
    b.entryNotional += left * fill.price;
    b.fees += left * feePerUnit;
    b.entries++;
  }

  const open = [...building.values()].map((b): OpenTrade => {
    const quantity = b.lots.reduce((s, l) => s + l.quantity, 0);
    return {
      run: b.run,
      symbol: b.symbol,
      direction: b.dir > 0 ? 'long' : 'short',
      entryTime: b.entryTime,
      quantity,
      entryPrice: b.lots.reduce((s, l) => s + l.quantity * l.price, 0) / quantity,
      openFees: b.lots.reduce((s, l) => s + l.quantity * l.feePerUnit, 0),
      fees: b.fees,
      realized: b.realizedGross - b.realizedFees,
    };
  });
  return { closed, open };
}

function close(b: Building, last: TradeFill): ClosedTrade {
  const profit = b.realizedGross - b.fees;
  return {
    id: `${b.run}:${b.symbol}:${b.firstFill}`,
    run: b.run,
    symbol: b.symbol,
    direction: b.dir > 0 ? 'long' : 'short',
    entryTime: b.entryTime,
    exitTime: last.time,
    durationMs: last.time - b.entryTime,
    quantity: b.entryQuantity,
    entryPrice: b.entryNotional / b.entryQuantity,
    exitPrice: b.exitNotional / b.exitQuantity,
    fees: b.fees,
    profit,
    profitPct: b.entryNotional > 0 ? profit / b.entryNotional : 0,
    entries: b.entries,
    exits: b.exits,
    exitReason: last.reason,
  };
}

/** The UTC day (`YYYY-MM-DD`) of epoch ms `time`. */
export function utcDay(time: number): string {
  return new Date(Math.floor(time / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
}
