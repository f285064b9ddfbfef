/**
 * Point-in-time recovery on a real PostgreSQL: `tickline backup pitr setup` turns WAL archiving on,
 * `pitr base` takes a base backup, more rows are written (the moment between noted on the
 * server's clock), and `pitr restore` to that moment gives a new data dir that, started, holds
 * exactly the rows committed before it. Under CI=true a missing PostgreSQL fails (the harness).
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createPostgresSql } from '@tickline/store';
import {
  requirePostgresBinaries,
  runTickline,
  startPostgresPrimary,
  tempDir,
  until,
  type PostgresServerHandle,
  type TempDir,
} from '@tickline/testing';
import { serverWritableDir, startPostgresOn } from '@tickline/testing/internal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const binaries = requirePostgresBinaries();

async function query<T = Record<string, unknown>>(url: string, text: string): Promise<T[]> {
  const sql = await createPostgresSql({ url, poolSize: 1 });
  try {
    return (await sql.query<T>(text)).rows;
  } finally {
    await sql.close();
  }
}

const insert = (url: string, ids: number[]) =>
  query(url, `insert into ledger (id, note) select g, 'row ' || g from unnest(array[${ids.join(',')}]) g`);

describe.skipIf(!binaries.available)(
  `backup - PostgreSQL point-in-time recovery ${binaries.reason ?? ''}`,
  () => {
    let dir: TempDir;
    let archive: TempDir;
    let primary: PostgresServerHandle;
    let env: Record<string, string>;

    beforeAll(async () => {
      dir = await tempDir('tickline-pitr');
      archive = await serverWritableDir('tickline-wal-archive');
      primary = await startPostgresPrimary({ settings: ['full_page_writes=on'] });
      env = { TICKLINE_DATA_DIR: join(dir.path, 'data'), TICKLINE_DATABASE_URL: primary.url };
    });
    afterAll(async () => {
      await primary?.cleanup();
      await archive?.remove();
      await dir?.remove();
    });

    it('pitr - archive WAL, base backup, restore to a moment between writes: exactly the rows before it', async () => {
      const setup = await runTickline(['backup', 'pitr', 'setup', '--wal-archive', archive.path], env);
      expect(setup.code, setup.stderr).toBe(0);
      expect(setup.stdout).toContain('restart PostgreSQL for archive_mode');
      await primary.stop();
      await primary.start();
      expect(await query(primary.url, 'show archive_mode')).toEqual([{ archive_mode: 'on' }]);

      await query(primary.url, 'create table ledger (id int primary key, note text not null)');
      await insert(primary.url, [1, 2, 3]);
      const bases = join(dir.path, 'bases');
      const base = await runTickline(
        ['backup', 'pitr', 'base', '--to', bases, '--wal-archive', archive.path],
        env,
      );
      expect(base.code, base.stderr).toBe(0);
      expect(base.stdout.trim()).toMatch(/\/bases\/base-[0-9T-]+Z$/);

      await insert(primary.url, [4, 5]);
      const moment = (await query<{ moment: Date }>(primary.url, 'select clock_timestamp() as moment'))[0]!
        .moment;
      await insert(primary.url, [6, 7, 8, 9]);
      // The segment holding rows 6-9 is finished and archived (recovery needs WAL past the moment).
      const [switched] = await query<{ file: string }>(
        primary.url,
        'select pg_walfile_name(pg_switch_wal()) as file',
      );
      const file = switched!.file;
      await until(
        async () => {
          const [stats] = await query<{ last: string | null }>(
            primary.url,
            'select last_archived_wal as last from pg_stat_archiver',
          );
          return stats?.last !== null && stats!.last >= file;
        },
        { timeoutMs: 60_000, intervalMs: 100, what: `WAL segment ${file} archived` },
      );

      const into = async (dataDir: string) => {
        const restore = await runTickline(
          [
            'backup',
            'pitr',
            'restore',
            ...['--from', bases, '--wal-archive', archive.path],
            ...['--target-time', moment.toISOString(), '--into', dataDir],
          ],
          env,
        );
        expect(restore.code, restore.stderr).toBe(0);
      };
      const restored = await startPostgresOn(into);
      try {
        await until(
          async () =>
            (await query<{ r: boolean }>(restored.url, 'select pg_is_in_recovery() as r'))[0]?.r === false,
          { timeoutMs: 60_000, intervalMs: 100, what: 'the restored server promoted' },
        );
        expect(await query(restored.url, 'select id from ledger order by id')).toEqual(
          [1, 2, 3, 4, 5].map((id) => ({ id })),
        );
      } finally {
        await restored.cleanup();
      }
      // The primary still has everything.
      expect(await query(primary.url, 'select count(*)::int as n from ledger')).toEqual([{ n: 9 }]);
    });

    it('pitr - refuses a moment before every base backup, a non-empty target, a bad time and the embedded database', async () => {
      const bases = join(dir.path, 'bases');
      const restore = (target: string, into: string) =>
        runTickline(
          [
            'backup',
            'pitr',
            'restore',
            '--from',
            bases,
            '--wal-archive',
            archive.path,
            '--target-time',
            target,
            '--into',
            into,
          ],
          env,
        );
      const early = await restore('2000-01-01T00:00:00Z', join(dir.path, 'early'));
      expect(early.code).toBe(1);
      expect(early.stderr).toContain('[SERVER_BACKUP_PITR_NO_BASE_BACKUP]');

      const occupied = join(dir.path, 'occupied');
      await mkdir(occupied);
      await writeFile(join(occupied, 'PG_VERSION'), '17\n');
      const full = await restore(new Date().toISOString(), occupied);
      expect(full.code).toBe(1);
      expect(full.stderr).toContain('[SERVER_BACKUP_TARGET_NOT_EMPTY]');
      expect(await readdir(occupied)).toEqual(['PG_VERSION']);

      const bad = await restore('yesterday', join(dir.path, 'bad'));
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain('[SERVER_BACKUP_PITR_BAD_TARGET]');

      const embedded = await runTickline(['backup', 'pitr', 'base', '--to', bases], {
        TICKLINE_DATA_DIR: join(dir.path, 'embedded'),
      });
      expect(embedded.code).toBe(1);
      expect(embedded.stderr).toContain('[SERVER_BACKUP_PITR_NOT_POSTGRES]');
    });
  },
);
