/**
 * @module Accounting: cash, signed positions with average cost, fees, and the round-trip trades
 * they make. A trade opens when a position leaves zero and closes when it returns to zero; a fill
 * that flips the position closes one trade and opens the next, its fee split by quantity.
 */
import type { OrderSide, Trade } from './types.ts';

/** One symbol's position and the trade it belongs to. */
export class Position {
  readonly symbol: string;
  /** Signed: > 0 long, < 0 short. */
  qty = 0;
  avgPrice = 0;
  /** Last price seen (fill or close), for mark-to-market. */
  mark = NaN;
  // The open trade.
  entryTime = 0;
  entryReason = '';
  entryQty = 0;
  entryNotional = 0;
  exitQty = 0;
  exitNotional = 0;
  realized = 0;
  fees = 0;
  entryStep = 0;
  /** Fill counts and last prices: a one-fill side reports its price exactly, not notional / qty. */
  entryFills = 0;
  exitFills = 0;
  lastEntryPrice = NaN;
  lastExitPrice = NaN;

  constructor(symbol: string) {
    this.symbol = symbol;
  }
}

/** The running sums the metrics need (all closed trades, also when the list is truncated). */
export interface TradeStats {
  readonly tradeCount: number;
  readonly wins: number;
  readonly losses: number;
  readonly grossProfit: number;
  readonly grossLoss: number;
  readonly feesPaid: number;
}

/** Cash, positions and closed trades. */
export class Ledger implements TradeStats {
  cash: number;
  feesPaid = 0;
  readonly positions = new Map<string, Position>();
  readonly list: Position[] = [];
  readonly trades: Trade[] = [];
  tradeCount = 0;
  fills = 0;
  tradesTruncated = false;
  // Running sums over every closed trade, kept even when the list is truncated.
  grossProfit = 0;
  grossLoss = 0;
  wins = 0;
  losses = 0;
  readonly #maxTrades: number;

  constructor(startingCapital: number, maxTrades: number) {
    this.cash = startingCapital;
    this.#maxTrades = maxTrades;
  }

  position(symbol: string): Position {
    let p = this.positions.get(symbol);
    if (p === undefined) {
      p = new Position(symbol);
      this.positions.set(symbol, p);
      this.list.push(p);
    }
    return p;
  }

  /** Cash plus every position marked at its last price. */
  equity(): number {
    let e = this.cash;
    const list = this.list;
    for (let i = 0; i < list.length; i++) {
      const p = list[i]!;
      if (p.qty !== 0) e += p.qty * p.mark;
    }
    return e;
  }

  /** Books a fill of `qty` (> 0) units; `step` counts time steps for the trade's length in bars. */
  fill(
    p: Position,
    side: OrderSide,
    qty: number,
    price: number,
    fee: number,
    time: number,
    reason: string,
    step: number,
  ): void {
    const signed = side === 'buy' ? qty : -qty;
    this.cash -= signed * price + fee;
    this.feesPaid += fee;
    this.fills++;
    p.mark = price;
    const before = p.qty;
    if (before === 0 || Math.sign(before) === Math.sign(signed)) {
      this.#open(p, signed, price, fee, time, reason, step);
      return;
    }
    const closing = Math.min(qty, Math.abs(before));
    const closingFee = (fee * closing) / qty;
    this.#reduce(p, closing, price, closingFee, time, reason, step);
    const rest = qty - closing;
    if (rest > 0) this.#open(p, side === 'buy' ? rest : -rest, price, fee - closingFee, time, reason, step);
  }

  #open(
    p: Position,
    signed: number,
    price: number,
    fee: number,
    time: number,
    reason: string,
    step: number,
  ): void {
    const abs = Math.abs(signed);
    if (p.qty === 0) {
      p.entryTime = time;
      p.entryReason = reason;
      p.entryQty = 0;
      p.entryNotional = 0;
      p.exitQty = 0;
      p.exitNotional = 0;
      p.realized = 0;
      p.fees = 0;
      p.entryStep = step;
      p.entryFills = 0;
      p.exitFills = 0;
      p.avgPrice = price;
    } else {
      p.avgPrice = (Math.abs(p.qty) * p.avgPrice + abs * price) / (Math.abs(p.qty) + abs);
    }
    p.qty += signed;
    p.entryQty += abs;
    p.entryNotional += abs * price;
    p.entryFills++;
    p.lastEntryPrice = price;
    p.fees += fee;
  }

  #reduce(
    p: Position,
    qty: number,
    price: number,
    fee: number,
    time: number,
    reason: string,
    step: number,
  ): void {
    const dir = p.qty > 0 ? 1 : -1;
    p.realized += (price - p.avgPrice) * qty * dir;
    p.exitQty += qty;
    p.exitNotional += qty * price;
    p.exitFills++;
    p.lastExitPrice = price;
    p.fees += fee;
    // A remainder below a billionth of the trade is rounding from percent sizing, not a position.
    const left = Math.abs(p.qty) - qty;
    p.qty = left <= p.entryQty * 1e-9 ? 0 : dir * left;
    if (p.qty === 0) this.#close(p, dir, time, reason, step);
  }

  #close(p: Position, dir: number, time: number, reason: string, step: number): void {
    const pnl = p.realized - p.fees;
    this.tradeCount++;
    if (pnl > 0) {
      this.wins++;
      this.grossProfit += pnl;
    } else if (pnl < 0) {
      this.losses++;
      this.grossLoss -= pnl;
    }
    if (this.trades.length >= this.#maxTrades) {
      this.tradesTruncated = true;
      return;
    }
    this.trades.push({
      symbol: p.symbol,
      direction: dir > 0 ? 'long' : 'short',
      entryTime: p.entryTime,
      exitTime: time,
      entryPrice: p.entryFills === 1 ? p.lastEntryPrice : p.entryNotional / p.entryQty,
      exitPrice: p.exitFills === 1 ? p.lastExitPrice : p.exitNotional / p.exitQty,
      qty: p.entryQty,
      pnl,
      fees: p.fees,
      returnPct: pnl / p.entryNotional,
      entryReason: p.entryReason,
      exitReason: reason,
      bars: step - p.entryStep,
    });
  }
}
