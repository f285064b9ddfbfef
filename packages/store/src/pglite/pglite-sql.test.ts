import { readdir, stat, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { Registry } from '@tickline/kernel';
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
      // And so is every file in it: PGlite writes its template's files 0666.
      const names = await readdir(`${dir.path}/db`, { recursive: true });
      expect(names.length).toBeGreaterThan(100);
      const open: string[] = [];
      for (const name of names)
        if (((await stat(`${dir.path}/db/${name}`)).mode & 0o077) !== 0) open.push(name);
      expect(open).toEqual([]);
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
    // Three opens of a data directory, the first an initdb in WebAssembly: 60 s ran out at load 11.
  }, 180_000);

  it('pglite - reports its worker heap and WebAssembly memory, during a transaction too, and stops at close', async () => {
    const metrics = new Registry();
    const sql = await createPgliteSql({ memory: true, metrics });
    const read = async () =>
      Object.fromEntries(
        (await metrics.getSingleMetric('tickline_pglite_memory_bytes')!.get()).values.map((v) => [
          v.labels.area,
          v.value,
        ]),
      );
    try {
      const before = await read();
      // PGlite starts with a WebAssembly memory of tens of MB; the worker heap holds its JS.
      expect(before.wasm).toBeGreaterThan(16 * 2 ** 20);
      expect(before.worker_heap_used).toBeGreaterThan(2 ** 20);
      expect(before.worker_heap_total).toBeGreaterThanOrEqual(before.worker_heap_used);
      // A scrape while a transaction holds the worker is answered, not refused.
      await sql.transaction(async (tx) => {
        await tx.query('select 1');
        const during = read();
        await tx.query('select 2');
        expect((await during).wasm).toBeGreaterThan(0);
      });
    } finally {
      await sql.close();
    }
    expect((await read()).wasm).toBe(0);
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
