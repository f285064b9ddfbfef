/**
 * @module The decisions a parity report compares: each order a strategy placed on a candle, as the
 * live run journaled it and as the backtest replay recorded it, in one shape. A percent-of-equity
 * order is compared by the quantity it came to: the live runner sizes it at the candle's close from
 * the run's equity ((percent / 100) × equity / (close × (1 + taker fee))), and so does the replay.
 */
import { strategyClientOrderId } from '../broker/client-order-id.ts';
import type { Order as VenueOrder } from '../broker/order.ts';
import type { Feed, OrderSide, OrderType, Signal } from '@tickline/strategy';

/** One order decision. */
export interface ParityDecision {
  /** Close time of the candle the strategy decided on (epoch ms). */
  candleCloseTime: number;
  symbol: string;
  side: OrderSide;
  type: OrderType;
  /** The quantity ordered (a percent order's, sized as the live runner sizes it). */
  quantity: number;
  /** The percent of equity a percent order asked for (the replay knows it; the journal does not). */
  percent?: number;
  /** Limit or stop price. */
  price?: number;
}

/** Legs tried when a journaled order's position on its candle is recovered from its id. */
const MAX_LEGS = 64;

/** Decisions on one candle, ordered by candle then leg (the journal's tie order is not the leg's). */
const byCandle = (a: { candleCloseTime: number }, b: { candleCloseTime: number }) =>
  a.candleCloseTime - b.candleCloseTime;

/**
 * The decisions a live run journaled: its orders of `version` (their origin), ordered by candle and
 * by leg — recovered from the client order id, which hashes (run, version, candle, leg).
 */
export function liveDecisions(
  orders: readonly VenueOrder[],
  runId: string,
  version: number,
): ParityDecision[] {
  const keyed: Array<ParityDecision & { leg: number }> = [];
  for (const o of orders) {
    const origin = o.origin;
    if (origin?.kind !== 'strategy' || origin.version !== version) continue;
    const { candleCloseTime } = origin;
    let leg = 0;
    while (
      leg < MAX_LEGS &&
      strategyClientOrderId({ strategyId: runId, version, candleCloseTime, leg }) !== o.clientOrderId
    )
      leg++;
    keyed.push({
      candleCloseTime,
      leg,
      symbol: o.symbol,
      side: o.side,
      type: o.type,
      quantity: o.quantity,
      ...(o.price === undefined ? {} : { price: o.price }),
    });
  }
  keyed.sort((a, b) => byCandle(a, b) || a.leg - b.leg);
  return keyed.map(({ leg: _leg, ...d }) => d);
}

/** The close of `symbol` at `time` among `feeds` (the candle the replay decided on). */
function closeAt(feeds: readonly Feed[], symbol: string, time: number): number {
  for (const f of feeds) {
    if (f.symbol !== symbol) continue;
    const ct = f.columns.closeTime;
    let lo = 0;
    let hi = ct.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (ct[mid]! === time) return f.columns.close[mid]!;
      if (ct[mid]! < time) lo = mid + 1;
      else hi = mid - 1;
    }
  }
  return NaN;
}

/** The decisions the replay recorded (signals with the equity they were placed at). */
export function replayDecisions(
  signals: readonly Signal[],
  feeds: readonly Feed[],
  takerFee: number,
): ParityDecision[] {
  return signals.map((s) => {
    const quantity =
      s.percent > 0
        ? ((s.percent / 100) * (s.equity ?? NaN)) / (closeAt(feeds, s.symbol, s.time) * (1 + takerFee))
        : s.qty;
    return {
      candleCloseTime: s.time,
      symbol: s.symbol,
      side: s.side,
      type: s.type as OrderType,
      quantity,
      ...(s.percent > 0 ? { percent: s.percent } : {}),
      ...(s.type === 'market' ? {} : { price: s.price }),
    };
  });
}
