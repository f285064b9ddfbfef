import { createPostgresSql, migrate, type Sql } from '@tickline/store';
import { createDatabase, providedPostgres } from '@tickline/testing';
import { afterAll, beforeAll, describe, inject } from 'vitest';
import { runSnapshotStoreContract } from './snapshot-store-contract.ts';
import { createSqlSnapshotStore } from './sql-snapshot-store.ts';

const postgres = providedPostgres(inject);

describe.skipIf(!postgres.url)(`game snapshots on postgres ${postgres.skipReason ?? ''}`, () => {
  let sql: Sql;
  beforeAll(async () => {
    sql = await createPostgresSql({ url: await createDatabase(postgres.url!, 'game_snapshots') });
    await migrate(sql);
  });
  afterAll(() => sql?.close());

  runSnapshotStoreContract('sql (postgresql)', {
    open: ({ maxPerZone }) => Promise.resolve(createSqlSnapshotStore({ sql, maxPerZone })),
  });
});
