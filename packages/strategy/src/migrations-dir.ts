/**
 * @module The strategy package's one migrations folder: 0003 (account snapshots), 0007
 * (strategies, versions, backtests), 0009 (broker orders and credentials, portfolios), 0011 (live
 * strategies), 0014 (durable paper orders), 0029 (kill switch and risk limits, audited), 0047 (kline CSV uploads).
 * `strategyModule` owns
 * it, so the composed migration set loads it once.
 */
import { fileURLToPath } from 'node:url';

export const STRATEGY_MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url));
