/**
 * An online copy of the embedded database (what a scheduled backup takes while the server runs):
 * the copy opens on its own and holds exactly what was committed before it, while the original
 * keeps taking writes, during the copy too.
 */
import { join } from 'node:path';
import { tempDir } from '@tickline/testing';
import { describe, expect, it } from 'vitest';
import { copyEmbeddedDatabase, createPgliteSql } from './pglite-sql.ts';

describe('pglite online copy', () => {
  it('pglite - a copy taken while open holds every committed row and opens on its own', async () => {
    const dir = await tempDir('tickline-pglite-copy');
    try {
      const sql = await createPgliteSql({ dataDir: join(dir.path, 'db') });
      try {
        await sql.exec('create table rows_ (id int primary key)');
        await sql.exec('insert into rows_ select g from generate_series(1, 500) g');
        // A write sent with the copy waits for it and lands in the original only.
        const [, late] = await Promise.all([
          copyEmbeddedDatabase(sql, join(dir.path, 'copy')),
          sql.query('insert into rows_ values (501)'),
        ]);
        expect(late.rowCount).toBe(1);
        await expect(copyEmbeddedDatabase(sql, join(dir.path, 'copy'))).rejects.toMatchObject({
          code: 'STORE_QUERY_FAILED',
        });
      } finally {
        await sql.close();
      }
      const copy = await createPgliteSql({ dataDir: join(dir.path, 'copy') });
      try {
        const { rows } = await copy.query<{ n: number; max: number }>(
          'select count(*) as n, max(id) as max from rows_',
        );
        expect(rows[0]).toEqual({ n: 500, max: 500 });
      } finally {
        await copy.close();
      }
    } finally {
      await dir.remove();
    }
  });

  it('pglite - an in-memory database is not copied', async () => {
    const sql = await createPgliteSql({ memory: true });
    try {
      await expect(copyEmbeddedDatabase(sql, '/nonexistent/copy')).rejects.toMatchObject({
        code: 'STORE_QUERY_FAILED',
      });
    } finally {
      await sql.close();
    }
  });
});
