/**
 * @module An in-memory PGlite migrated for the trading package, opened before a file's tests and
 * closed after them: the set-up most of the package's SQL tests share.
 */
import { createPgliteSql, type Sql } from '@tickline/store';
import { afterAll, beforeAll } from 'vitest';
import { migrateForTrading } from './trading-migrations.ts';

/** Registers the hooks; `sql` is usable inside the file's tests. */
export function tradingDatabase(): { readonly sql: Sql } {
  let sql: Sql | undefined;
  beforeAll(async () => {
    sql = await createPgliteSql({ memory: true });
    await migrateForTrading(sql);
  }, 60_000);
  afterAll(() => sql?.close());
  return {
    get sql(): Sql {
      if (sql === undefined) throw new Error('the trading database is opened in beforeAll');
      return sql;
    },
  };
}
