/**
 * @module The trading package's one migrations folder: 0003 (account snapshots: each account's
 * paper portfolio), 0009 (broker orders and credentials, portfolios), 0011 (live strategies), 0014
 * (durable paper orders), 0029 (kill switch and risk limits, audited), 0048 (order-rate windows),
 * 0060 (portfolio venues), 0061 (where a live run's warm-up ended), 0063 (the order events' outbox).
 * They moved here from `strategy` with their ids and checksums, so a database migrated before the
 * split sees nothing pending. `tradingModule` owns the folder, so the composed set loads it once.
 */
import { fileURLToPath } from 'node:url';

export const TRADING_MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url));
