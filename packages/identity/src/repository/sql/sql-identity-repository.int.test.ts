import { createPgliteSql, createPostgresSql, migrate, type Sql, loadMigrationSets, MIGRATIONS_DIR } from '@tickline/store';
import { IDENTITY_MIGRATIONS_DIR } from '../../config.ts';
import { createDatabase, providedPostgres } from '@tickline/testing';
import { afterAll, beforeAll, describe, inject } from 'vitest';
import { runIdentityRepositoryContract } from '../contract/identity-repository-contract.ts';
import { runBadInputSuite } from '../../testing/bad-input-suite.ts';
import { createTestIdentity } from '../../testing/identity-test-kit.ts';
import { snapshotIdentityTables } from '../../testing/sql-snapshot.ts';
import { createSqlIdentityRepository } from './sql-identity-repository.ts';

const postgres = providedPostgres(inject);

function engineSuites(label: string, open: () => Promise<Sql>): void {
  let sql: Sql | undefined;
  beforeAll(async () => {
    sql = await open();
    await migrate(sql, { migrations: await loadMigrationSets([MIGRATIONS_DIR, IDENTITY_MIGRATIONS_DIR]) });
  });
  afterAll(async () => {
    await sql?.close();
  });
  runIdentityRepositoryContract(label, () => createSqlIdentityRepository(sql!));
  runBadInputSuite(label, async () => ({
    kit: createTestIdentity({ repository: createSqlIdentityRepository(sql!) }),
    snapshot: () => snapshotIdentityTables(sql!),
  }));
}

describe('identity on PGlite', () => {
  engineSuites('pglite', () => createPgliteSql({ memory: true }));
});

describe.skipIf(!postgres.url)(`identity on PostgreSQL ${postgres.skipReason ?? ''}`, () => {
  engineSuites('postgres', async () =>
    createPostgresSql({ url: await createDatabase(postgres.url!, 'identity') }),
  );
});
