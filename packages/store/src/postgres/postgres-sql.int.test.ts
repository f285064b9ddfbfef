import { createDatabase, providedPostgres } from '@tickline/testing';
import { describe, expect, inject, it } from 'vitest';
import { runSqlContract } from '../contract/sql-contract.ts';
import { isStoreConnectionError } from '../errors.ts';
import { createPostgresSql } from './postgres-sql.ts';

const postgres = providedPostgres(inject);

describe.skipIf(!postgres.url)(`postgres ${postgres.skipReason ?? ''}`, () => {
  runSqlContract('postgres (pg pool)', {
    open: async () =>
      createPostgresSql({ url: await createDatabase(postgres.url!, 'store_contract'), poolSize: 5 }),
  });

  describe('postgres adapter', () => {
    it('postgres - an unreachable server fails fast with STORE_CONNECTION_FAILED', async () => {
      const url = new URL(postgres.url!);
      url.port = '1'; // nothing listens on port 1
      const started = Date.now();
      await expect(createPostgresSql({ url: url.toString(), connectTimeoutMs: 2_000 })).rejects.toSatisfy(
        isStoreConnectionError,
      );
      expect(Date.now() - started).toBeLessThan(5_000);
    });

    it('postgres - an unknown database is STORE_CONNECTION_FAILED, not a query error', async () => {
      const url = new URL(postgres.url!);
      url.pathname = '/no_such_database';
      await expect(createPostgresSql({ url: url.toString() })).rejects.toMatchObject({
        code: 'STORE_CONNECTION_FAILED',
        details: { sqlState: '3D000' },
      });
    });

    it('postgres - transactions run concurrently on separate connections', async () => {
      const sql = await createPostgresSql({
        url: await createDatabase(postgres.url!, 'store_pool'),
        poolSize: 4,
      });
      try {
        const started = performance.now();
        await Promise.all(
          Array.from({ length: 4 }, () => sql.transaction((tx) => tx.query('select pg_sleep(0.2)'))),
        );
        // One after the other would take 800 ms.
        expect(performance.now() - started).toBeLessThan(700);
      } finally {
        await sql.close();
      }
    });
  });
});
