/**
 * @module The migrations a strategy test database needs: store's, identity's (strategies and
 * snapshots reference `users`), market's (backtests read `market_candles` and
 * `market_candle_history`, uploads write the latter) and the strategy package's own.
 */
import { IDENTITY_MIGRATIONS_DIR } from '@tickline/identity';
import { MARKET_MIGRATIONS_DIR } from '@tickline/market';
import { loadMigrationSets, migrate, MIGRATIONS_DIR, type Sql } from '@tickline/store';
import { STRATEGY_MIGRATIONS_DIR } from '../migrations-dir.ts';

/** Migrates `sql` to store's, identity's, market's and the strategy package's migrations. */
export async function migrateForStrategy(sql: Sql): Promise<void> {
  await migrate(sql, {
    migrations: await loadMigrationSets([
      MIGRATIONS_DIR,
      IDENTITY_MIGRATIONS_DIR,
      MARKET_MIGRATIONS_DIR,
      STRATEGY_MIGRATIONS_DIR,
    ]),
  });
}
