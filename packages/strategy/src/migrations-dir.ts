/**
 * @module The strategy package's one migrations folder: 0007 (strategies, versions, backtests),
 * 0033 (research runs), 0034 (promotion overrides), 0036 (re-sealed code), 0047 (kline CSV
 * uploads), 0072 (version replays: parity reports metered as backtests). Portfolios, orders, live runs and risk moved to `@tickline/trading` with their
 * migrations. `strategyModule` owns it, so the composed migration set loads it once.
 */
import { fileURLToPath } from 'node:url';

export const STRATEGY_MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url));
