import { createPgliteSql, loadMigrationSets, migrate, MIGRATIONS_DIR, type Sql } from '@tickline/store';
import { afterAll, beforeAll } from 'vitest';
import { IDENTITY_MIGRATIONS_DIR } from '../config.ts';
import { runSessionVersionsContract } from './session-versions-contract.ts';
import { createSqlSessionVersions } from './sql-session-versions.ts';

let sql: Sql;
beforeAll(async () => {
  sql = await createPgliteSql({ memory: true });
  await migrate(sql, { migrations: await loadMigrationSets([MIGRATIONS_DIR, IDENTITY_MIGRATIONS_DIR]) });
}, 60_000);
afterAll(async () => {
  await sql?.close();
});

runSessionVersionsContract('sql (PGlite)', (clock) => createSqlSessionVersions(sql, { clock }));
