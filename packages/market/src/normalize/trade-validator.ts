/** @module A validator that counts: rejections by reason, in memory and in Prometheus. */
import { getOrCreateMetric, Counter, type Registry } from '@tickline/kernel';
import {
  validateTrade,
  type RawTrade,
  type RejectReason,
  type ValidationResult,
  type ValidationRules,
} from './validate-trade.ts';

/** Options for {@link createTradeValidator}. */
export interface TradeValidatorOptions extends ValidationRules {
  /** Where `tickline_market_trades_rejected_total{exchange,reason}` lives. @default none */
  metrics?: Registry;
}

/** {@link validateTrade} plus counts. */
export interface TradeValidator {
  validate(raw: RawTrade): ValidationResult;
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
  return {
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
