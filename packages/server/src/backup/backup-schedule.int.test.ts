/**
 * Scheduled backups of the embedded default, taken while the data dir is held as a running server
 * holds it (its PGlite open, its event log open as the writer): on a schedule of every second,
 * archives appear, the oldest beyond `keep` is deleted, `tickline backup list` shows what is kept
 * and the last run, and an archive restores into an empty data dir with the same rows and records.
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createBackupSchedule, listBackups, readLastRun, type BackupSchedule } from '@tickline/backup';
import { createMetricsRegistry, silentLogger, uuidv7 } from '@tickline/kernel';
import type { EventLog } from '@tickline/eventlog';
import { createPgliteSql, migrate, type Sql } from '@tickline/store';
import { runTickline, tempDir, until, type TempDir } from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTicklineConfig, type ResolvedConfig } from '../config/load.ts';
import { LogKind, openEventLog } from '../wiring/event-logs.ts';
import { loadAllMigrations } from '../wiring/migrations.ts';
import { captureTables } from '../cli/backup/backup-fixture.test-support.ts';

const RECORDS = 40;
const metrics = () => createMetricsRegistry({ processMetrics: false });

describe('backup schedule - embedded data dir, online', () => {
  let dir: TempDir;
  let env: Record<string, string>;
  let config: ResolvedConfig;
  let sql: Sql;
  let log: EventLog;
  let schedule: BackupSchedule;

  beforeAll(async () => {
    dir = await tempDir('tickline-backup-schedule');
    env = {
      TICKLINE_DATA_DIR: join(dir.path, 'data'),
      TICKLINE_BACKUP_SCHEDULE: '* * * * * *',
      TICKLINE_BACKUP_KEEP: '2',
      TICKLINE_BACKUP_DIR: join(dir.path, 'backups'),
      TICKLINE_LOG_LEVEL: 'warn',
    };
    config = loadTicklineConfig({ env });
    sql = await createPgliteSql({ dataDir: join(config.dataDir, 'db'), metrics: metrics() });
    await migrate(sql, { migrations: await loadAllMigrations() });
    await sql.query(
      `insert into consumer_checkpoints (consumer, position, last_event_id) select 'c-' || g, g, 'e-' || g from generate_series(1, 25) g`,
    );
    log = await openEventLog(config, LogKind.Main, { logger: silentLogger, metrics: metrics() });
    const results = await log.append(
      Array.from({ length: RECORDS }, (_, i) => ({
        id: uuidv7(),
        key: `key-${i % 3}`,
        type: 'test.backup.record',
        payload: new TextEncoder().encode(`record ${i}`),
      })),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    schedule = createBackupSchedule({ settings: config.backup, config, sql, logger: silentLogger });
    await schedule.start({ logger: silentLogger, fail: (error) => expect.fail(String(error)) });
  });

  afterAll(async () => {
    await schedule?.stop();
    await log?.close();
    await sql?.close();
    await dir?.remove();
  });

  it('backup schedule - archives appear every second and the oldest beyond keep is deleted', async () => {
    // Three runs: the third deletes the first.
    let firstArchive: string | undefined;
    await until(
      async () => {
        const last = await schedule.lastRun();
        if (last?.ok && firstArchive === undefined) firstArchive = last.archive;
        return (last?.pruned.length ?? 0) > 0;
      },
      { timeoutMs: 120_000, intervalMs: 100, what: 'a run that deletes the oldest archive' },
    );
    const last = (await schedule.lastRun())!;
    expect(last.ok, JSON.stringify(last.error)).toBe(true);
    const kept = await listBackups(schedule.dir);
    expect(kept).toHaveLength(2);
    expect(kept[0]!.name).toBe(last.archive!.split('/').at(-1));
    expect(last.pruned[0]! < kept[1]!.name).toBe(true);
    expect(existsSync(join(schedule.dir, last.pruned[0]!))).toBe(false);
    if (firstArchive) expect(kept.map((k) => join(schedule.dir, k.name))).not.toContain(firstArchive);
    expect(schedule.health().status).toBe('up');

    const list = await runTickline(['backup', 'list'], env);
    expect(list.code, list.stderr).toBe(0);
    for (const entry of kept) expect(list.stdout).toContain(entry.name);
    expect(list.stdout).toMatch(/last run: ok/);
    expect(list.stdout).toContain('keep 2');
  });

  it('backup schedule - an archive taken online restores with the same rows and log records', async () => {
    // The schedule stops first: at one run a second with keep 2, the archive being restored is
    // pruned two runs later, and a restore on a busy machine takes longer than that.
    await schedule.stop();
    const [newest] = await listBackups(schedule.dir);
    const target = { ...env, TICKLINE_DATA_DIR: join(dir.path, 'restored') };
    const restore = await runTickline(['restore', join(schedule.dir, newest!.name)], target);
    expect(restore.code, restore.stderr).toBe(0);

    const restored = await createPgliteSql({ dataDir: join(dir.path, 'restored', 'db'), metrics: metrics() });
    try {
      expect(await captureTables(restored)).toEqual(await captureTables(sql));
    } finally {
      await restored.close();
    }
    const restoredConfig = loadTicklineConfig({ env: target });
    const restoredLog = await openEventLog(restoredConfig, LogKind.Main, {
      logger: silentLogger,
      metrics: metrics(),
    });
    try {
      expect(await restoredLog.head()).toEqual(await log.head());
    } finally {
      await restoredLog.close();
    }
  });
});

describe('backup schedule - a failed run', () => {
  it('backup schedule - a run that fails is recorded with its code, leaves no file behind and degrades health', async () => {
    const dir = await tempDir('tickline-backup-failed');
    // An in-memory database has no files to copy: the run fails at the database step.
    const sql = await createPgliteSql({ memory: true, metrics: metrics() });
    try {
      const config = loadTicklineConfig({
        env: { TICKLINE_DATA_DIR: join(dir.path, 'data'), TICKLINE_BACKUP_DIR: join(dir.path, 'backups') },
      });
      const schedule = createBackupSchedule({ settings: config.backup, config, sql, logger: silentLogger });
      const run = await schedule.runOnce();
      expect(run).toMatchObject({ ok: false, pruned: [], error: { code: 'STORE_QUERY_FAILED' } });
      expect(schedule.health().status).toBe('degraded');
      expect(await readLastRun(schedule.dir)).toEqual(run);
      expect(await readdir(schedule.dir)).toEqual(['last-backup.json']);
      expect(schedule.nextRun()).toBeNull();
    } finally {
      await sql.close();
      await dir.remove();
    }
  });
});
