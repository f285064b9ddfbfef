/**
 * @module Binance's `executionReport` (the user-data stream's order update) as a step from one order
 * snapshot to the next. Each report carries the order's totals (`z` filled, `Z` quote) and, for a
 * trade, that one execution (`t`, `l`, `L`, `n`, `N`); a snapshot follows from the one before only
 * when the totals agree — a report missed while the stream was away breaks the chain, and then the
 * caller asks the venue for the whole order (REST) instead of guessing. Field names: the spot API's
 * the user data stream of Binance's spot API documentation ("Order Update").
 */
import { z } from 'zod';
import type { Order, OrderFill, OrderStatus } from '../order.ts';
import { binanceOrderStatus, orderType } from './map-order.ts';

const decimal = z.string().transform((text, ctx) => {
  const value = Number(text);
  if (!Number.isFinite(value)) {
    ctx.addIssue({ code: 'custom', message: `not a decimal: ${text}` });
    return z.NEVER;
  }
  return value;
});
const int = z.number().int();

export const executionReportSchema = z.object({
  e: z.literal('executionReport'),
  E: int,
  s: z.string(),
  /** Client order id; on a cancel, the cancel request's own id. */
  c: z.string(),
  /** On a cancel: the cancelled order's client order id. */
  C: z.string().nullish(),
  S: z.enum(['BUY', 'SELL']),
  o: z.string(),
  f: z.string(),
  q: decimal,
  p: decimal,
  P: decimal,
  /** Execution type: NEW, CANCELED, REPLACED, REJECTED, TRADE, EXPIRED, TRADE_PREVENTION. */
  x: z.string(),
  /** Order status. */
  X: z.string(),
  i: int,
  l: decimal,
  z: decimal,
  L: decimal,
  n: decimal,
  N: z.string().nullable(),
  T: int,
  t: int,
  O: int,
  Z: decimal,
});
export type ExecutionReport = z.output<typeof executionReportSchema>;

// Quantities are binary floats; totals that differ by less than this share of the order agree.
const EPSILON = 1e-9;

/** The client order id a report is about (a cancel names the order in `C`). */
export function reportClientOrderId(report: ExecutionReport): string {
  return report.C ? report.C : report.c;
}

/** The execution a TRADE report carries. */
function reportFill(report: ExecutionReport): OrderFill {
  return {
    tradeId: String(report.t),
    price: report.L,
    quantity: report.l,
    fee: report.n,
    feeAsset: report.N ?? '',
    time: report.T,
  };
}

/** The order as the report states it, with `fills`. */
function snapshotOf(report: ExecutionReport, portfolioId: string, symbol: string, fills: OrderFill[]): Order {
  const type = orderType(report.o);
  const price = type === 'stop' ? report.P : type === 'limit' ? report.p : undefined;
  const status: OrderStatus = binanceOrderStatus(report.X);
  return {
    portfolioId,
    clientOrderId: reportClientOrderId(report),
    venueOrderId: String(report.i),
    symbol,
    side: report.S === 'BUY' ? 'buy' : 'sell',
    type,
    quantity: report.q,
    ...(price === undefined || price === 0 ? {} : { price }),
    timeInForce: report.f === 'IOC' || report.f === 'FOK' ? 'ioc' : 'gtc',
    status,
    filledQuantity: report.z,
    filledQuote: report.Z,
    fills,
    ...(status === 'rejected'
      ? { rejectReason: 'venue_error' as const, detail: 'rejected by the venue' }
      : {}),
    createdAt: report.O,
    updatedAt: report.T,
  };
}

/**
 * The snapshot after `report`, given the one before it (`undefined`: none known). Undefined when
 * the report does not follow from `previous` — a missed report, or an order first seen with
 * earlier fills — and the whole order must be read from the venue.
 */
export function applyExecutionReport(
  previous: Order | undefined,
  report: ExecutionReport,
  portfolioId: string,
  symbol: string,
): Order | undefined {
  const tolerance = report.q * EPSILON;
  const before = previous?.filledQuantity ?? 0;
  const fills = previous?.fills ?? [];
  if (report.x === 'TRADE') {
    const fill = reportFill(report);
    // The same trade twice (a REST answer or an earlier report had it): nothing new.
    if (fills.some((f) => f.tradeId === fill.tradeId)) return previous;
    if (Math.abs(before + report.l - report.z) > tolerance) return undefined;
    const next = snapshotOf(report, portfolioId, symbol, [...fills, fill]);
    return previous === undefined ? next : { ...next, createdAt: previous.createdAt };
  }
  // An older report than what is known (the answer to placing came first): nothing new.
  if (previous !== undefined && report.z < before - tolerance) return previous;
  if (Math.abs(before - report.z) > tolerance) return undefined;
  // Working again after a final state is not a step a venue takes: an older report.
  if (previous !== undefined && previous.status !== 'new' && binanceOrderStatus(report.X) === 'new')
    return previous;
  const next = snapshotOf(report, portfolioId, symbol, fills);
  return previous === undefined ? next : { ...next, createdAt: previous.createdAt };
}
