/**
 * @module @tickline/strategy/config — the light entry point: the config section and the error
 * catalogue without the sandbox (which loads isolated-vm's native addon), for `--help`,
 * `config print` and the generated docs.
 */
export { StrategySettingsSchema } from './module/strategy-settings.ts';
export { strategyConfig } from './module/strategy-settings.ts';
export { StrategyApiErrorCodes } from './module/strategy-api-errors.ts';
export { StrategyErrorCodes } from './core/errors.ts';
export type { StrategySettings, TierJobLimits } from './module/strategy-settings.ts';
