/** @module A validator that counts: rejections by reason, in memory and in Prometheus. */
import { getOrCreateMetric, Counter, type Registry } from '@tickline/kernel';
import type { Trade } from '../port/market-message.ts';
import { toCanonicalSymbol, toVenueSymbol } from './symbols.ts';
import {
  isValidNormalTrade,
  validateTrade,
  type RawTrade,
  type RejectReason,
  type ValidationResult,
  type ValidationRules,
} from './validate-trade.ts';

/** Symbols per exchange whose spelling check is remembered. */
const MAX_CACHED_SYMBOLS = 10_000;

/** Options for {@link createTradeValidator}. */
export interface TradeValidatorOptions extends ValidationRules {
  /** Where `tickline_market_trades_rejected_total{exchange,reason}` lives. @default none */
  metrics?: Registry;
}

/** {@link validateTrade} plus counts. */
export interface TradeValidator {
  validate(raw: RawTrade): ValidationResult;
  /**
   * True (and counted as accepted) when a trade already in Tickline's form passes as it is
   * ({@link isValidNormalTrade}); allocates nothing. On false, call `validate` for the verdict.
   */
  accepts(trade: Trade): boolean;
  /** Rejections so far, by reason. */
  rejected(): Readonly<Partial<Record<RejectReason, number>>>;
  accepted(): number;
}

/** Builds a counting validator with fixed rules. */
export function createTradeValidator(options: TradeValidatorOptions = {}): TradeValidator {
  const counts: Partial<Record<RejectReason, number>> = {};
  let accepted = 0;
  const counter = options.metrics
    ? getOrCreateMetric(
        options.metrics,
        'tickline_market_trades_rejected_total',
        () =>
          new Counter({
            name: 'tickline_market_trades_rejected_total',
            help: 'Trades rejected by validation, by exchange and reason.',
            labelNames: ['exchange', 'reason'],
            registers: [options.metrics!],
          }),
      )
    : undefined;
  // exchange → symbol → whether the venue's spelling reads back as the same symbol. Bounded: a
  // source sending garbage symbols must not grow it forever (past the bound it is computed).
  const roundTrips = new Map<string, Map<string, boolean>>();
  const roundTrip = (exchange: string, symbol: string): boolean => {
    let symbols = roundTrips.get(exchange);
    if (!symbols) roundTrips.set(exchange, (symbols = new Map()));
    let ok = symbols.get(symbol);
    if (ok === undefined) {
      ok = toCanonicalSymbol(exchange, toVenueSymbol(exchange, symbol)) === symbol;
      if (symbols.size < MAX_CACHED_SYMBOLS) symbols.set(symbol, ok);
    }
    return ok;
  };
  return {
    accepts(trade) {
      if (!isValidNormalTrade(trade, options, roundTrip(trade.exchange, trade.symbol))) return false;
      accepted++;
      return true;
    },
    validate(raw) {
      const result = validateTrade(raw, options);
      if (result.ok) accepted++;
      else {
        counts[result.reason] = (counts[result.reason] ?? 0) + 1;
        counter?.inc({ exchange: raw.exchange, reason: result.reason });
      }
      return result;
    },
    rejected: () => ({ ...counts }),
    accepted: () => accepted,
  };
}
