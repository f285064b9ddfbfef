/**
 * @module @tickline/strategy/config — the light entry point: the config section and the error
 * catalogue without the sandbox (which loads isolated-vm's native addon), for `--help`,
 * `config print` and the generated docs.
 */
export { strategyConfigSchema } from './module/strategy-config.ts';
export { StrategyErrorCodes } from './core/errors.ts';
export type { StrategyConfig, TierLimits } from './module/strategy-config.ts';
