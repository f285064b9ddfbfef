import { stat, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { tempDir } from '@tickline/testing';
import { runSqlContract } from '../contract/sql-contract.ts';
import { createPgliteSql } from './pglite-sql.ts';

runSqlContract('pglite (worker thread, memory)', { open: () => createPgliteSql({ memory: true }) });

describe('pglite adapter', () => {
  it('pglite - data in dataDir survives a close and reopen; the dir is locked while open; the outer handle is refused inside a transaction', async () => {
    const dir = await tempDir('tickline-pglite');
    try {
      let sql = await createPgliteSql({ dataDir: `${dir.path}/db` });
      expect((await stat(`${dir.path}/db`)).mode & 0o777).toBe(0o700); // the database is the owner's only
      await sql.exec("create table kept (v text); insert into kept values ('still here');");
      const error = await sql
        .transaction(async () => {
          await sql.query('select 1');
        })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'STORE_INVALID_ARGUMENT' });
      // One handle per directory: a second opener (another process, or this one) is refused.
      await expect(createPgliteSql({ dataDir: `${dir.path}/db` })).rejects.toMatchObject({
        code: 'STORE_LOCKED',
      });
      await sql.close();
      sql = await createPgliteSql({ dataDir: `${dir.path}/db` });
      expect((await sql.query('select v from kept')).rows).toEqual([{ v: 'still here' }]);
      await sql.close();
    } finally {
      await dir.remove();
    }
  }, 60_000);

  it('pglite - a data dir that cannot be created is STORE_CONNECTION_FAILED', async () => {
    const dir = await tempDir('tickline-pglite');
    try {
      await writeFile(`${dir.path}/file`, 'not a directory');
      await expect(createPgliteSql({ dataDir: `${dir.path}/file/db` })).rejects.toMatchObject({
        code: 'STORE_CONNECTION_FAILED',
      });
    } finally {
      await dir.remove();
    }
  });
});
