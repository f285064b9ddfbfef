/**
 * @module The broker's config section, for the strategy module to nest as `strategy.broker`: the
 * live venue (off by default) and the platform's default risk limits for every portfolio.
 */
import { z } from 'zod';
import { RiskLimitsSchema } from '../risk/risk-limits.ts';
import { BinanceSpotConfigSchema } from './binance/config.ts';

export const BrokerConfigSchema = z.strictObject({
  binance: BinanceSpotConfigSchema.prefault({}).describe('Live orders on Binance spot (off by default).'),
  risk: RiskLimitsSchema.prefault({}).describe(
    'Default risk limits of a portfolio; a portfolio may set tighter ones.',
  ),
});
export type BrokerConfig = z.output<typeof BrokerConfigSchema>;
