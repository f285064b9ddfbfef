/**
 * @module @tickline/trading/config — the light entry point: the config section without the live
 * host (which loads the sandbox and isolated-vm's native addon), for `--help`, `config print` and
 * the generated docs.
 */
export { TradingSettingsSchema, LiveSettingsSchema, tradingConfig } from './module/trading-settings.ts';
export type { TradingSettings, LiveSettings, TierLiveLimits } from './module/trading-settings.ts';
