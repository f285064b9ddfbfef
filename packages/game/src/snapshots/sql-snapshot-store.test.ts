import { createPgliteSql, migrate, type Sql } from '@tickline/store';
import { afterAll, beforeAll } from 'vitest';
import { runSnapshotStoreContract } from './snapshot-store-contract.ts';
import { createSqlSnapshotStore } from './sql-snapshot-store.ts';

let sql: Sql;
beforeAll(async () => {
  sql = await createPgliteSql({ memory: true });
  await migrate(sql);
}, 60_000);
afterAll(() => sql?.close());

// Cases use fresh zone ids, so they share one database.
runSnapshotStoreContract('sql (pglite)', {
  open: ({ maxPerZone }) => Promise.resolve(createSqlSnapshotStore({ sql, maxPerZone })),
});
