import { createPgliteSql, migrate, type Sql, loadMigrationSets, MIGRATIONS_DIR } from '@tickline/store';
import { GAME_MIGRATIONS_DIR } from '../config.ts';
import { afterAll, beforeAll } from 'vitest';
import { runSnapshotStoreContract } from './snapshot-store-contract.ts';
import { createSqlSnapshotStore } from './sql-snapshot-store.ts';

let sql: Sql;
beforeAll(async () => {
  sql = await createPgliteSql({ memory: true });
  await migrate(sql, { migrations: await loadMigrationSets([MIGRATIONS_DIR, GAME_MIGRATIONS_DIR]) });
}, 60_000);
afterAll(() => sql?.close());

// Cases use fresh zone ids, so they share one database.
runSnapshotStoreContract('sql (pglite)', {
  open: ({ maxPerZone }) => Promise.resolve(createSqlSnapshotStore({ sql, maxPerZone })),
});
