/**
 * @module Binance error answers as questions the adapter asks: is this a refusal (and why, in
 * Tickline's {@link RejectReason} terms), a rate limit, a clock problem, or an answer that says
 * nothing about whether the order exists? Codes and messages: the spot API's error code list
 * (developers.binance.com/docs/binance-spot-api-docs/errors). Codes are stable; messages vary,
 * so a message is read only inside -2010, whose causes share one code.
 */
import type { RejectReason } from '../order.ts';

/** What came back: the HTTP status, and the `{ code, msg }` body when there was one. */
export interface BinanceErrorAnswer {
  status: number;
  code?: number;
  msg?: string;
  /** From `Retry-After` (seconds) on 429 and 418. */
  retryAfterMs?: number;
}

/** What the answer means for an order request. */
export type BinanceErrorMeaning =
  | { kind: 'rejected'; reason: RejectReason }
  /** -1021: the timestamp was outside recvWindow — resync the clock and try once more. */
  | { kind: 'clock'; reason: 'clock_skew' }
  /** -2010 "Duplicate order sent.": an open order already has this client order id. */
  | { kind: 'duplicate' }
  /** 5xx, -1006, -1007: the request may or may not have executed. */
  | { kind: 'unknown' };

export const BinanceCode = {
  Unknown: -1000,
  Disconnected: -1001,
  Unauthorized: -1002,
  TooManyRequests: -1003,
  UnexpectedResponse: -1006,
  Timeout: -1007,
  ServerBusy: -1008,
  InvalidMessage: -1013,
  TooManyOrders: -1015,
  InvalidTimestamp: -1021,
  InvalidSignature: -1022,
  BadSymbol: -1121,
  InvalidSymbolStatus: -1122,
  NewOrderRejected: -2010,
  CancelRejected: -2011,
  NoSuchOrder: -2013,
  BadApiKeyFormat: -2014,
  RejectedMbxKey: -2015,
} as const;

const AUTH_CODES = new Set<number>([
  BinanceCode.Unauthorized,
  BinanceCode.InvalidSignature,
  BinanceCode.BadApiKeyFormat,
  BinanceCode.RejectedMbxKey,
]);
const UNKNOWN_OUTCOME_CODES = new Set<number>([
  BinanceCode.Disconnected,
  BinanceCode.UnexpectedResponse,
  BinanceCode.Timeout,
]);

/** Reads -2010's message, whose causes (funds, duplicates, closed market…) share the code. */
function newOrderRejected(msg: string): BinanceErrorMeaning {
  const text = msg.toLowerCase();
  if (text.includes('insufficient balance')) return { kind: 'rejected', reason: 'insufficient_funds' };
  if (text.includes('duplicate order')) return { kind: 'duplicate' };
  if (text.includes('market is closed')) return { kind: 'rejected', reason: 'market_closed' };
  if (text.includes('would trigger immediately') || text.includes('not supported for this symbol')) {
    return { kind: 'rejected', reason: 'invalid_order' };
  }
  return { kind: 'rejected', reason: 'venue_error' };
}

/** Classifies an error answer to an order request. */
export function classifyBinanceError(answer: BinanceErrorAnswer): BinanceErrorMeaning {
  // 429: over a rate limit; 418: banned for going on after 429s. Both carry Retry-After.
  if (answer.status === 429 || answer.status === 418) return { kind: 'rejected', reason: 'rate_limited' };
  const code = answer.code;
  if (code === BinanceCode.TooManyRequests || code === BinanceCode.TooManyOrders) {
    return { kind: 'rejected', reason: 'rate_limited' };
  }
  // The docs say a 5xx (and these codes) leaves the execution status unknown: never a rejection.
  if (answer.status >= 500 || (code !== undefined && UNKNOWN_OUTCOME_CODES.has(code)))
    return { kind: 'unknown' };
  if (code === undefined)
    return answer.status === 401 || answer.status === 403
      ? { kind: 'rejected', reason: 'auth_failed' }
      : { kind: 'rejected', reason: 'venue_error' };
  if (code === BinanceCode.InvalidTimestamp) return { kind: 'clock', reason: 'clock_skew' };
  if (AUTH_CODES.has(code)) return { kind: 'rejected', reason: 'auth_failed' };
  if (code === BinanceCode.BadSymbol) return { kind: 'rejected', reason: 'unknown_symbol' };
  if (code === BinanceCode.InvalidSymbolStatus) return { kind: 'rejected', reason: 'market_closed' };
  if (code === BinanceCode.NewOrderRejected) return newOrderRejected(answer.msg ?? '');
  if (code === BinanceCode.ServerBusy) return { kind: 'rejected', reason: 'rate_limited' };
  // -1013 filter failures (LOT_SIZE, PRICE_FILTER, NOTIONAL…) and the -11xx parameter errors.
  if (code === BinanceCode.InvalidMessage || (code <= -1100 && code > -1200))
    return { kind: 'rejected', reason: 'invalid_order' };
  return { kind: 'rejected', reason: 'venue_error' };
}

/** `Retry-After` in ms (Binance sends whole seconds), or undefined when absent or unreadable. */
export function retryAfterMs(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.round(seconds * 1000) : undefined;
}
