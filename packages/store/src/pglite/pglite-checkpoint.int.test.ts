/**
 * The embedded database's write-ahead log stays bounded: PGlite's single-user backend never
 * checkpoints on its own, so the worker does on a timer. The same writes without it leave every
 * WAL segment in place.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir, until } from '@tickline/testing';
import { describe, expect, it } from 'vitest';
import { createPgliteSql } from './pglite-sql.ts';

const MB = 1024 * 1024;

async function walBytes(dataDir: string): Promise<number> {
  const dir = join(dataDir, 'pg_wal');
  let total = 0;
  for (const name of await readdir(dir)) {
    if (!/^[0-9A-F]{24}$/.test(name)) continue;
    // A checkpoint may recycle a segment between the listing and the stat: it is gone, so 0.
    total += (await stat(join(dir, name)).catch(() => ({ size: 0 }))).size;
  }
  return total;
}

/** ~150 MB of WAL: 120,000 rows of 1 KB, in batches so each commit is a normal size. */
async function writeWal(sql: Awaited<ReturnType<typeof createPgliteSql>>): Promise<void> {
  await sql.exec('create table filler (id int, body text)');
  for (let batch = 0; batch < 6; batch++) {
    await sql.exec(
      `insert into filler select g, repeat(md5(g::text), 32) from generate_series(${batch * 20_000 + 1}, ${(batch + 1) * 20_000}) g`,
    );
  }
}

describe('pglite checkpoints', () => {
  it('pglite - the worker checkpoints on a timer, so the WAL is recycled; without it every segment stays', async () => {
    const dir = await tempDir('tickline-pglite-wal');
    try {
      const kept = `${dir.path}/never`;
      const never = await createPgliteSql({ dataDir: kept, checkpointIntervalMs: 3_600_000 });
      await writeWal(never);
      await never.query('select 1');
      const unrecycled = await walBytes(kept);
      await never.close();
      expect(unrecycled).toBeGreaterThan(120 * MB);

      const bounded = `${dir.path}/timer`;
      const sql = await createPgliteSql({ dataDir: bounded, checkpointIntervalMs: 200 });
      await writeWal(sql);
      // max_wal_size (64 MB) plus the segment being written and one in reserve.
      await until(async () => (await walBytes(bounded)) <= 96 * MB, {
        timeoutMs: 30_000,
        what: 'WAL recycled by a checkpoint',
      });
      // Statements still run in order between checkpoints, and the data is all there.
      expect((await sql.query('select count(*)::int as n from filler')).rows).toEqual([{ n: 120_000 }]);
      await sql.close();
    } finally {
      await dir.remove();
    }
  }, 120_000);
});
