import { describe, expect, it } from 'vitest';
import type { Order, OrderFill } from '../broker/order.ts';
import { profitSummary } from './profit-summary.ts';
import { fillsOf, roundTrips, type TradeFill } from './round-trips.ts';

const T0 = Date.UTC(2026, 0, 1);
const H = 3_600_000;
let seq = 0;
const fill = (over: Partial<TradeFill>): TradeFill => ({
  fillId: `f${seq}`,
  run: 's1',
  symbol: 'BTC-USDT',
  side: 'buy',
  quantity: 1,
  price: 100,
  fee: 0,
  time: T0 + seq++ * H,
  reason: 'exit_signal',
  ...over,
});

function order(over: Partial<Order>, fills: Array<Partial<OrderFill>>): Order {
  return {
    portfolioId: 'pa',
    clientOrderId: `c${seq++}`,
    symbol: 'BTC-USDT',
    side: 'buy',
    type: 'market',
    quantity: 1,
    timeInForce: 'gtc',
    status: 'filled',
    filledQuantity: 1,
    filledQuote: 100,
    fills: fills.map((f, i) => ({
      tradeId: `t${i}`,
      price: 100,
      quantity: 1,
      fee: 0,
      feeAsset: 'USDT',
      time: T0,
      ...f,
    })),
    origin: { kind: 'strategy', strategyId: 's1', version: 1, candleCloseTime: T0 },
    createdAt: T0,
    updatedAt: T0,
    ...over,
  };
}

describe('roundTrips', () => {
  it('makes one trade of several entries and partial exits, FIFO, with every fee', () => {
    seq = 0;
    const { closed, open } = roundTrips([
      fill({ quantity: 1, price: 100, fee: 1 }),
      fill({ quantity: 1, price: 120, fee: 1 }),
      fill({ side: 'sell', quantity: 0.5, price: 130, fee: 0.5 }),
      fill({ side: 'sell', quantity: 1.5, price: 110, fee: 1.5 }),
    ]);
    expect(open).toEqual([]);
    expect(closed).toHaveLength(1);
    const t = closed[0]!;
    expect(t).toMatchObject({ symbol: 'BTC-USDT', direction: 'long', quantity: 2, entries: 2, exits: 2 });
    expect(t.entryPrice).toBe(110);
    expect(t.exitPrice).toBe(115);
    expect(t.fees).toBe(4);
    // 0.5×(130−100) + 0.5×(110−100) + 1×(110−120) = 15 + 5 − 10 = 10, less 4 of fees.
    expect(t.profit).toBeCloseTo(6, 10);
    expect(t.profitPct).toBeCloseTo(6 / 220, 10);
    expect(t.durationMs).toBe(3 * H);
  });

  it('keeps an open position’s buy fee out of realized, and matches partial exits first in', () => {
    seq = 0;
    const { closed, open } = roundTrips([
      fill({ quantity: 1, price: 100, fee: 1 }),
      fill({ quantity: 1, price: 200, fee: 2 }),
      fill({ side: 'sell', quantity: 1, price: 150, fee: 1.5 }),
    ]);
    expect(closed).toEqual([]);
    expect(open).toHaveLength(1);
    const o = open[0]!;
    // The first lot (100) closed at 150: +50, less its buy fee (1) and the sell fee (1.5).
    expect(o.realized).toBeCloseTo(47.5, 10);
    expect(o).toMatchObject({ quantity: 1, entryPrice: 200, openFees: 2, fees: 4.5 });
    const summary = profitSummary(closed, open, () => 210);
    expect(summary.realized).toBeCloseTo(47.5, 10);
    expect(summary.unrealized).toBeCloseTo(10 - 2, 10);
  });

  it('a buy alone realizes nothing: its fee is part of the unrealized figure', () => {
    seq = 0;
    const { closed, open } = roundTrips([fill({ quantity: 2, price: 100, fee: 0.2 })]);
    const summary = profitSummary(closed, open, () => 100);
    expect(summary.realized).toBe(0);
    expect(summary.unrealized).toBeCloseTo(-0.2, 10);
    expect(summary.fees).toBeCloseTo(0.2, 10);
  });

  it('a fill past flat closes the trade and opens the reverse with the rest', () => {
    seq = 0;
    const { closed, open } = roundTrips([
      fill({ quantity: 1, price: 100, fee: 1 }),
      fill({ side: 'sell', quantity: 3, price: 110, fee: 3 }),
    ]);
    expect(closed).toHaveLength(1);
    expect(closed[0]!.profit).toBeCloseTo(10 - 1 - 1, 10);
    expect(open).toMatchObject([{ direction: 'short', quantity: 2, entryPrice: 110, openFees: 2 }]);
  });

  it('keeps runs apart; a manual exit closes a run’s lots as a force exit', () => {
    seq = 0;
    const { closed, open } = roundTrips([
      fill({ run: 's1', quantity: 1, price: 100 }),
      fill({ run: 's2', quantity: 1, price: 100 }),
      fill({ run: 's2', side: 'sell', quantity: 1, price: 90 }),
      fill({ run: 'manual', side: 'sell', quantity: 1, price: 120, reason: 'manual' }),
    ]);
    expect(open).toEqual([]);
    expect(closed.map((t) => [t.run, t.profit, t.exitReason])).toEqual([
      ['s2', -10, 'exit_signal'],
      ['s1', 20, 'force_exit'],
    ]);
    const summary = profitSummary(closed, open, () => undefined);
    expect(summary.byRun.map((b) => [b.key, b.profit])).toEqual([
      ['s1', 20],
      ['s2', -10],
    ]);
    expect(summary.byExitReason.map((b) => b.key)).toEqual(['force_exit', 'exit_signal']);
    expect(summary).toMatchObject({ trades: 2, wins: 1, losses: 1, winRate: 0.5, realized: 10 });
  });
});

describe('fillsOf', () => {
  it('adds up partial fills, takes a base-asset buy fee off the quantity and books it in quote', () => {
    seq = 0;
    const buy = order({}, [
      { quantity: 0.6, price: 100, fee: 0.001, feeAsset: 'BTC', time: T0 },
      { quantity: 0.4, price: 100, fee: 0.001, feeAsset: 'BTC', time: T0 + 1 },
    ]);
    const sell = order({ side: 'sell', type: 'stop', quantity: 0.998 }, [
      { quantity: 0.998, price: 110, fee: 0.1, feeAsset: 'USDT', time: T0 + H },
    ]);
    const fills = fillsOf([sell, buy]);
    expect(fills.map((f) => f.time)).toEqual([T0, T0 + 1, T0 + H]);
    expect(fills[0]).toMatchObject({ run: 's1', quantity: 0.599, fee: 0.1 });
    const { closed, open } = roundTrips(fills);
    expect(open).toEqual([]);
    expect(closed).toHaveLength(1);
    expect(closed[0]).toMatchObject({ quantity: 0.998, exitReason: 'stop_loss', entries: 2 });
    expect(closed[0]!.profit).toBeCloseTo(0.998 * 10 - 0.3, 10);
  });

  it('orders fills of one time as their orders were placed, whatever order the orders come in', () => {
    seq = 0;
    // The run is long 1; a force exit (manual sell of 1) is placed, then the run's next entry; both
    // fill on the same bar. Listed by last change, either can come first.
    const entry = order({ createdAt: T0 }, [{ time: T0 }]);
    const forceExit = order(
      { side: 'sell', origin: { kind: 'manual', userId: 'ada' }, createdAt: T0 + H, updatedAt: T0 + 2 * H },
      [{ price: 110, time: T0 + 2 * H }],
    );
    const next = order({ createdAt: T0 + H + 1, updatedAt: T0 + 3 * H }, [{ price: 110, time: T0 + 2 * H }]);
    for (const listed of [
      [entry, forceExit, next],
      [entry, next, forceExit],
    ]) {
      const { closed, open } = roundTrips(fillsOf(listed));
      expect(closed.map((t) => [t.exitReason, t.quantity])).toEqual([['force_exit', 1]]);
      expect(open.map((t) => t.quantity)).toEqual([1]);
    }
  });

  it('books a fill stamped before its order was placed after the fills before the order', () => {
    seq = 0;
    // The run bought on the bar at T0 + H; the trader's force exit placed after that filled on a
    // price stamped earlier (a candle that closed before, delivered after). Read by fill time
    // alone, the sale came before the buy: a short, and the run's trade still open.
    const entry = order({ createdAt: T0 + H - 1 }, [{ time: T0 + H }]);
    const forceExit = order(
      { side: 'sell', origin: { kind: 'manual', userId: 'ada' }, createdAt: T0 + H + 5 },
      [{ price: 110, time: T0 + H - 10 }],
    );
    const { closed, open } = roundTrips(fillsOf([forceExit, entry]));
    expect(open).toEqual([]);
    expect(closed.map((t) => [t.run, t.exitReason, t.direction])).toEqual([['s1', 'force_exit', 'long']]);
  });

  it('attributes a manual order to no run', () => {
    seq = 0;
    const manual = order({ origin: { kind: 'manual', userId: 'ada' } }, [{}]);
    expect(fillsOf([manual])[0]).toMatchObject({ run: 'manual', reason: 'manual' });
  });
});
