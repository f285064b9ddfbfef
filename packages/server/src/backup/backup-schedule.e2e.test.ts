/**
 * The real `tickline start` with `backup.schedule`: while it runs (the simulator writing trades and
 * candles, the game writing snapshots), it writes archives on schedule, keeps `backup.keep` of them,
 * and an admin sees the last run and the archives at GET /api/v1/admin/backups (a user is refused).
 * An archive it wrote restores into an empty data dir.
 */
import { join } from 'node:path';
import { createMetricsRegistry } from '@tickline/kernel';
import { createPgliteSql } from '@tickline/store';
import {
  embeddedTestEnv,
  runTickline,
  startTicklineServer,
  tempDir,
  until,
  type RunningServer,
  type TempDir,
} from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureTables } from '../cli/backup/backup-fixture.test-support.ts';
import { callJson, initialAdminToken, signUpAndIn } from '../testing/api-clients.ts';

describe('backup schedule - tickline start', () => {
  let dir: TempDir;
  let server: RunningServer | undefined;
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = await tempDir('tickline-backup-e2e');
    env = embeddedTestEnv(join(dir.path, 'data'), {
      // Every second: a run never overlaps the next (a run still going skips the one due), so the
      // three runs the test waits for follow each other with no idle gap between them.
      TICKLINE_BACKUP_SCHEDULE: '* * * * * *',
      TICKLINE_BACKUP_KEEP: '2',
    });
    server = await startTicklineServer(env);
  });
  afterAll(async () => {
    server?.child.kill('SIGTERM');
    await server?.exited;
    await dir?.remove();
  });

  it('backup e2e - a running server backs up on schedule; an admin lists the runs; an archive restores', async () => {
    const running = server!;
    const admin = await initialAdminToken(running.url, env.TICKLINE_DATA_DIR!);
    const user = await signUpAndIn(running.url, 'backup-user@example.com');
    const refused = await callJson(running.url, 'GET', '/api/v1/admin/backups', { bearer: user.accessToken });
    expect([refused.status, refused.body.error.code]).toEqual([403, 'AUTH_FORBIDDEN']);

    let report: any;
    await until(
      async () => {
        report = (await callJson(running.url, 'GET', '/api/v1/admin/backups', { bearer: admin })).body;
        return report.lastRun?.pruned?.length > 0;
      },
      { timeoutMs: 180_000, intervalMs: 500, what: 'a scheduled run that deleted the oldest archive' },
    );
    expect(report).toMatchObject({
      schedule: '* * * * * *',
      keep: 2,
      dir: join(env.TICKLINE_DATA_DIR!, 'backups'),
      lastRun: { ok: true },
    });
    expect(report.backups).toHaveLength(2);
    expect(report.nextRun).toEqual(expect.any(String));

    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
    server = undefined;
    const archive = join(report.dir, report.backups[0].name);
    const restoredDir = join(dir.path, 'restored');
    const restore = await runTickline(['restore', archive], { ...env, TICKLINE_DATA_DIR: restoredDir });
    expect(restore.code, restore.stderr).toBe(0);
    const sql = await createPgliteSql({
      dataDir: join(restoredDir, 'db'),
      metrics: createMetricsRegistry({ processMetrics: false }),
    });
    try {
      const tables = await captureTables(sql);
      // The first admin at least (the archive may predate the user signing up).
      expect(tables.users?.rows).toBeGreaterThanOrEqual(1);
    } finally {
      await sql.close();
    }
  });
});
