import { createPostgresSql, type Sql } from '@tickline/store';
import { createDatabase, providedPostgres } from '@tickline/testing';
import { afterAll, beforeAll, describe, inject } from 'vitest';
import { runOrderJournalContract } from '../contract/order-journal-contract.ts';
import { migrateForTrading } from '../../testing/trading-migrations.ts';
import { SqlOrderJournal } from './sql-order-journal.ts';

const postgres = providedPostgres(inject);

describe.skipIf(!postgres.url)(`postgres ${postgres.skipReason ?? ''}`, () => {
  let sql: Sql;
  beforeAll(async () => {
    sql = await createPostgresSql({ url: await createDatabase(postgres.url!, 'broker_orders'), poolSize: 2 });
    await migrateForTrading(sql);
  });
  afterAll(() => sql?.close());

  runOrderJournalContract('sql (postgres)', async () => new SqlOrderJournal(sql, 'binance-spot'));
});
