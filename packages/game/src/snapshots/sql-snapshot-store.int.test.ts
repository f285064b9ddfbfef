import { createPostgresSql, migrate, type Sql, loadMigrationSets, MIGRATIONS_DIR } from '@tickline/store';
import { GAME_MIGRATIONS_DIR } from '../config.ts';
import { createDatabase, providedPostgres } from '@tickline/testing';
import { afterAll, beforeAll, describe, inject } from 'vitest';
import { runSnapshotStoreContract } from './snapshot-store-contract.ts';
import { createSqlSnapshotStore } from './sql-snapshot-store.ts';

const postgres = providedPostgres(inject);

describe.skipIf(!postgres.url)(`game snapshots on postgres ${postgres.skipReason ?? ''}`, () => {
  let sql: Sql;
  beforeAll(async () => {
    sql = await createPostgresSql({ url: await createDatabase(postgres.url!, 'game_snapshots') });
    await migrate(sql, { migrations: await loadMigrationSets([MIGRATIONS_DIR, GAME_MIGRATIONS_DIR]) });
  });
  afterAll(() => sql?.close());

  runSnapshotStoreContract('sql (postgresql)', {
    open: ({ maxPerZone }) => Promise.resolve(createSqlSnapshotStore({ sql, maxPerZone })),
  });
});
