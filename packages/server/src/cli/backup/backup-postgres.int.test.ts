import { join } from 'node:path';
import { createPostgresSql, migrate, type Sql } from '@tickline/store';
import { createDatabase, providedPostgres, tempDir, runTickline, type TempDir } from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadAllMigrations } from '../../wiring/migrations.ts';
import { captureTables } from './backup-fixture.test-support.ts';

const postgres = providedPostgres(inject);

describe.skipIf(!postgres.url)(
  `backup - PostgreSQL round trip with pg_dump / pg_restore ${postgres.skipReason ?? ''}`,
  () => {
    let dir: TempDir;
    let url: string;
    let sql: Sql;
    let env: Record<string, string>;

    beforeAll(async () => {
      dir = await tempDir('tickline-backup-pg');
      url = await createDatabase(postgres.url!, 'backup');
      sql = await createPostgresSql({ url });
      await migrate(sql, { migrations: await loadAllMigrations() });
      env = { TICKLINE_DATA_DIR: join(dir.path, 'data'), TICKLINE_DATABASE_URL: url };
      // Rows in a plain table and in a partitioned one (candles), written as the projections write them.
      for (let i = 0; i < 50; i++) {
        await sql.query(
          `insert into consumer_checkpoints (consumer, position, last_event_id) values ($1, $2, $3)`,
          [`consumer-${i}`, i * 10, `evt-${i}`],
        );
        await sql.query(
          `insert into market_candles (exchange, symbol, interval, open_time, close_time, open, high, low, close, volume, quote_volume, trades, incomplete, closed, revision)
         values ('sim', 'BTC-USDT', '1m', $1, $2, 100, 110, 90, 105 + $3, 2.5, 250, 7, false, true, 0)`,
          [new Date(Date.UTC(2026, 10, 22, 9, i)), new Date(Date.UTC(2026, 10, 22, 9, i + 1)), i],
        );
      }
    });
    afterAll(async () => {
      await sql?.close();
      await dir?.remove();
    });

    it('backup → drop everything → restore gives the same rows', async () => {
      const before = await captureTables(sql);
      expect(before.consumer_checkpoints?.rows).toBe(50);
      expect(before.market_candles_default?.rows).toBe(50);

      const archive = join(dir.path, 'pg.tar.gz');
      const backup = await runTickline(['backup', '--output', archive], env);
      expect(backup.code, backup.stderr).toBe(0);
      expect(backup.stderr).toMatch(/backup: sql: pg_dump \(custom format\)/);

      await sql.query('drop schema public cascade');
      await sql.query('create schema public');
      expect(await captureTables(sql)).toEqual({});

      const restore = await runTickline(['restore', archive], env);
      expect(restore.code, restore.stderr).toBe(0);
      expect(await captureTables(sql)).toEqual(before);

      // A database with data is not replaced without --force; with it, it is (same rows again).
      const occupied = await runTickline(['restore', archive], env);
      expect(occupied.code).toBe(1);
      expect(occupied.stderr).toContain('[SERVER_BACKUP_TARGET_NOT_EMPTY]');
      await sql.query(`update consumer_checkpoints set position = -1`);
      const forced = await runTickline(['restore', '--force', archive], env);
      expect(forced.code, forced.stderr).toBe(0);
      expect(await captureTables(sql)).toEqual(before);

      // A PostgreSQL archive does not go into an embedded configuration.
      const embedded = await runTickline(['restore', archive], {
        TICKLINE_DATA_DIR: join(dir.path, 'other'),
      });
      expect(embedded.code).toBe(1);
      expect(embedded.stderr).toContain('[SERVER_BACKUP_ARCHIVE_INCOMPATIBLE]');
    });
  },
);
