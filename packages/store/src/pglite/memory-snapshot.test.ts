import { mkdtempSync, readdirSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createPgliteSql } from './pglite-sql.ts';

describe('in-memory databases from a snapshot of a new cluster', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tickline-pglite-snapshot-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const snapshot = () => readdirSync(dir).filter((f) => f.endsWith('.tar'));

  it('snapshot - the first database saves it; the next starts from it, empty and independent', async () => {
    const first = await createPgliteSql({ memory: true, snapshotDir: dir });
    await first.exec('create table kept (x int); insert into kept values (1)');
    expect(snapshot()).toHaveLength(1);
    const second = await createPgliteSql({ memory: true, snapshotDir: dir });
    // Nothing of the first: the snapshot was taken before any statement.
    const { rows } = await second.query<{ n: string }>(
      `select count(*) as n from pg_tables where tablename = 'kept'`,
    );
    expect(Number(rows[0]!.n)).toBe(0);
    await second.exec('create table kept (x int); insert into kept values (2), (3)');
    expect((await second.query('select x from kept order by x')).rows).toEqual([{ x: 2 }, { x: 3 }]);
    expect((await first.query('select x from kept')).rows).toEqual([{ x: 1 }]);
    await Promise.all([first.close(), second.close()]);
  }, 120_000);

  it('snapshot - one cut short is made again, and the database opens', async () => {
    const [file] = snapshot();
    const whole = statSync(join(dir, file!)).size;
    truncateSync(join(dir, file!), 4096);
    const sql = await createPgliteSql({ memory: true, snapshotDir: dir });
    expect((await sql.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
    await sql.close();
    expect(statSync(join(dir, file!)).size).toBe(whole);
  }, 120_000);
});
