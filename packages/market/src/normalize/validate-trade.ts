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
