/**
 * @module The venues' config section, nested as `trading.venues`: live venues a portfolio may be
 * bound to (Binance spot, off by default). Risk defaults are `trading.live.risk`.
 */
import { z } from 'zod';
import { BinanceSpotConfigSchema } from './binance/config.ts';

export const VenuesConfigSchema = z.strictObject({
  binance: BinanceSpotConfigSchema.prefault({}).describe(
    'Binance spot: portfolios bound to it place their orders there (off by default).',
  ),
});
export type VenuesConfig = z.output<typeof VenuesConfigSchema>;
