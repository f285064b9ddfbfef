/**
 * @module The migrations a trading test database needs: everything a strategy test database has
 * (store's, identity's, market's, strategy's: live runs read versions and candles) and the
 * trading package's own.
 */
import { IDENTITY_MIGRATIONS_DIR } from '@tickline/identity';
import { MARKET_MIGRATIONS_DIR } from '@tickline/market';
import { loadMigrationSets, migrate, MIGRATIONS_DIR, type Sql } from '@tickline/store';
import { STRATEGY_MIGRATIONS_DIR } from '@tickline/strategy';
import { TRADING_MIGRATIONS_DIR } from '../migrations-dir.ts';

/** Migrates `sql` to store's, identity's, market's, strategy's and the trading package's migrations. */
export async function migrateForTrading(sql: Sql): Promise<void> {
  await migrate(sql, {
    migrations: await loadMigrationSets([
      MIGRATIONS_DIR,
      IDENTITY_MIGRATIONS_DIR,
      MARKET_MIGRATIONS_DIR,
      STRATEGY_MIGRATIONS_DIR,
      TRADING_MIGRATIONS_DIR,
    ]),
  });
}
