/**
 * @module Trade validation: a raw venue trade in, a normalized {@link Trade} or a rejection
 * reason out. Pure; counting and quarantine are the caller's business ({@link createTradeValidator}).
 */
import type { Trade, TradeSide } from '../port/market-message.ts';
import { parseDecimal, parseTimestampMs } from './parse-number.ts';
import { toCanonicalSymbol } from './symbols.ts';
import { DEFAULT_MAX_FUTURE_MS, DEFAULT_MAX_PAST_MS } from '../config.ts';

export { DEFAULT_MAX_FUTURE_MS, DEFAULT_MAX_PAST_MS };

/** Why a trade was rejected. Stable: used as a metric label and in the quarantine table. */
export const RejectReason = {
  SymbolMalformed: 'symbol_malformed',
  SymbolUnknown: 'symbol_unknown',
  TradeIdMissing: 'trade_id_missing',
  PriceNotFinite: 'price_not_finite',
  PriceNotPositive: 'price_not_positive',
  SizeNotFinite: 'size_not_finite',
  SizeNotPositive: 'size_not_positive',
  SideInvalid: 'side_invalid',
  TimeInvalid: 'time_invalid',
  TimeInFuture: 'time_in_future',
  TimeTooOld: 'time_too_old',
} as const;
export type RejectReason = (typeof RejectReason)[keyof typeof RejectReason];

/** A trade as a venue adapter read it, before normalization. */
export interface RawTrade {
  exchange: string;
  symbol: string;
  tradeId: string | number | null | undefined;
  price: unknown;
  size: unknown;
  side: unknown;
  exchangeTime: unknown;
  receivedAt: number;
  seq?: number;
}

/** Rules for {@link validateTrade}. */
export interface ValidationRules {
  /** Canonical symbols accepted; undefined accepts any well-formed symbol. */
  knownSymbols?: ReadonlySet<string>;
  /** How far ahead of `receivedAt` an exchange time may be (clock skew). @default 5_000 */
  maxFutureMs?: number;
  /** How far behind `receivedAt` an exchange time may be. @default 86_400_000 (one day) */
  maxPastMs?: number;
}

export type ValidationResult = { ok: true; trade: Trade } | { ok: false; reason: RejectReason };

const SIDES: Record<string, TradeSide> = {
  buy: 'buy',
  b: 'buy',
  bid: 'buy',
  sell: 'sell',
  s: 'sell',
  ask: 'sell',
  unknown: 'unknown',
  '': 'unknown',
};

/**
 * True when `trade` — already in Tickline's form, as sources emit it — passes every rule and
 * {@link validateTrade} would return an equal trade: it can then be taken as it is, without the
 * copy. False decides nothing (run {@link validateTrade} for the verdict and the reason).
 * `symbolRoundTrips`: the venue's spelling of `trade.symbol` reads back as `trade.symbol`.
 */
export function isValidNormalTrade(trade: Trade, rules: ValidationRules, symbolRoundTrips: boolean): boolean {
  if (!symbolRoundTrips) return false;
  if (rules.knownSymbols && !rules.knownSymbols.has(trade.symbol)) return false;
  const { tradeId, price, size, side, exchangeTime, receivedAt, seq } = trade;
  if (typeof tradeId !== 'string' || tradeId === '') return false;
  if (typeof price !== 'number' || !(price > 0 && price < Number.POSITIVE_INFINITY)) return false;
  if (typeof size !== 'number' || !(size > 0 && size < Number.POSITIVE_INFINITY)) return false;
  if (side !== 'buy' && side !== 'sell' && side !== 'unknown') return false;
  // Milliseconds as parseTimestampMs leaves them (smaller or larger numbers get rescaled).
  if (typeof exchangeTime !== 'number' || !(exchangeTime >= 1e11 && exchangeTime < 1e14)) return false;
  if (typeof receivedAt !== 'number') return false;
  if (exchangeTime - receivedAt > (rules.maxFutureMs ?? DEFAULT_MAX_FUTURE_MS)) return false;
  if (receivedAt - exchangeTime > (rules.maxPastMs ?? DEFAULT_MAX_PAST_MS)) return false;
  return seq === undefined || typeof seq === 'number';
}

function reject(reason: RejectReason): ValidationResult {
  return { ok: false, reason };
}

/** Normalizes and checks one trade; the first failed rule is the reason. */
export function validateTrade(raw: RawTrade, rules: ValidationRules = {}): ValidationResult {
  const symbol = toCanonicalSymbol(raw.exchange, raw.symbol);
  if (!symbol) return reject(RejectReason.SymbolMalformed);
  if (rules.knownSymbols && !rules.knownSymbols.has(symbol)) return reject(RejectReason.SymbolUnknown);
  if (raw.tradeId === null || raw.tradeId === undefined || raw.tradeId === '') {
    return reject(RejectReason.TradeIdMissing);
  }
  const price = parseDecimal(raw.price);
  if (!Number.isFinite(price)) return reject(RejectReason.PriceNotFinite);
  if (price <= 0) return reject(RejectReason.PriceNotPositive);
  const size = parseDecimal(raw.size);
  if (!Number.isFinite(size)) return reject(RejectReason.SizeNotFinite);
  if (size <= 0) return reject(RejectReason.SizeNotPositive);
  const side =
    raw.side === undefined || raw.side === null
      ? 'unknown'
      : typeof raw.side === 'string'
        ? SIDES[raw.side.toLowerCase()]
        : undefined;
  if (!side) return reject(RejectReason.SideInvalid);
  const exchangeTime = parseTimestampMs(raw.exchangeTime);
  if (!Number.isFinite(exchangeTime)) return reject(RejectReason.TimeInvalid);
  if (exchangeTime - raw.receivedAt > (rules.maxFutureMs ?? DEFAULT_MAX_FUTURE_MS)) {
    return reject(RejectReason.TimeInFuture);
  }
  if (raw.receivedAt - exchangeTime > (rules.maxPastMs ?? DEFAULT_MAX_PAST_MS)) {
    return reject(RejectReason.TimeTooOld);
  }
  const trade: Trade = {
    exchange: raw.exchange,
    symbol,
    tradeId: String(raw.tradeId),
    price,
    size,
    side,
    exchangeTime,
    receivedAt: raw.receivedAt,
    ...(raw.seq === undefined ? {} : { seq: raw.seq }),
  };
  return { ok: true, trade };
}
