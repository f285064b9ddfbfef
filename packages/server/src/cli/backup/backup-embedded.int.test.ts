import { execFileSync } from 'node:child_process';
import { appendFile, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createMetricsRegistry } from '@tickline/kernel';
import { createPgliteSql, lockDataDir } from '@tickline/store';
import { tempDir, runTickline, startTicklineServer, type TempDir } from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogs, captureSnapshotFiles, captureTables } from './backup-fixture.test-support.ts';

const POLL_MS = 250;

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Cold snapshots the server at `url` wrote so far, every zone together (its /metrics). */
async function coldSnapshots(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => /^tickline_game_snapshot_writes_total\{(?=.*kind="cold")(?=.*result="ok")/.test(line))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

async function tables(dataDir: string) {
  const sql = await createPgliteSql({
    dataDir: join(dataDir, 'db'),
    metrics: createMetricsRegistry({ processMetrics: false }),
  });
  try {
    return await captureTables(sql);
  } finally {
    await sql.close();
  }
}

async function capture(dataDir: string, env: Record<string, string>) {
  return {
    tables: await tables(dataDir),
    logs: await captureLogs(env),
    snapshots: await captureSnapshotFiles(dataDir),
  };
}

describe('backup - embedded data dir round trip (PGlite, embedded logs, file snapshots)', () => {
  let dir: TempDir;
  let dataDir: string;
  let env: Record<string, string>;
  let archive: string;
  let before: Awaited<ReturnType<typeof capture>>;

  beforeAll(async () => {
    dir = await tempDir('tickline-backup');
    dataDir = join(dir.path, 'data');
    archive = join(dir.path, 'backup.tar.gz');
    env = { TICKLINE_DATA_DIR: dataDir, TICKLINE_LOG_LEVEL: 'warn' };
    // A real run writes the data: market events from the simulator, the initial admin, hot
    // snapshots to files and cold ones to SQL (every second here, instead of every minute).
    const server = await startTicklineServer({
      ...env,
      TICKLINE_LOG_LEVEL: 'info',
      TICKLINE_HTTP_PORT: '0',
      TICKLINE_HTTP_HOST: '127.0.0.1',
      TICKLINE_GAME_SNAPSHOTS_HOT_INTERVAL_MS: '300',
      TICKLINE_GAME_SNAPSHOTS_COLD_INTERVAL_MS: '1000',
    });
    await until('snapshot files', async () => Object.keys(await captureSnapshotFiles(dataDir)).length >= 3);
    // A couple of cold snapshots (to SQL), counted by the server's own metrics.
    await until('two cold snapshots', async () => (await coldSnapshots(server.url)) >= 2);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    before = await capture(dataDir, env);
  });
  afterAll(() => dir?.remove());

  it('the run left rows, log records and snapshots to back up', () => {
    expect(before.tables.users?.rows).toBeGreaterThan(0);
    expect(before.tables.game_snapshots?.rows).toBeGreaterThan(0);
    expect(before.logs.main.trim().split('\n').length).toBeGreaterThan(1);
    expect(Object.keys(before.snapshots).length).toBeGreaterThan(0);
  });

  it('backup → wipe → restore gives the same rows, log records and snapshots', async () => {
    const backup = await runTickline(['backup', '--output', archive], env);
    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.stdout.trim()).toBe(archive);
    expect(backup.stderr).toMatch(/backup: db: \d+ files/);
    expect(backup.stderr).toMatch(/backup: eventlog: \d+ files/);
    expect(backup.stderr).toMatch(/backup: done/);

    await rm(dataDir, { recursive: true, force: true });
    const restore = await runTickline(['restore', archive], env);
    expect(restore.code, restore.stderr).toBe(0);
    expect(restore.stderr).toMatch(/restore: verified \d+ files/);

    expect(await capture(dataDir, env)).toEqual(before);
  });

  it('refuses a data dir a running tickline holds, and a non-empty one without --force', async () => {
    // This test process is alive: its lock on the database is what a running server's would be.
    const unlock = await lockDataDir(join(dataDir, 'db'));
    try {
      const backup = await runTickline(['backup', '--output', join(dir.path, 'other.tar.gz')], env);
      expect(backup.code).toBe(1);
      expect(backup.stderr).toContain('[SERVER_BACKUP_DATA_DIR_IN_USE]');
      const restore = await runTickline(['restore', '--force', archive], env);
      expect(restore.code).toBe(1);
      expect(restore.stderr).toContain('[SERVER_BACKUP_DATA_DIR_IN_USE]');
    } finally {
      await unlock();
    }
    const occupied = await runTickline(['restore', archive], env);
    expect(occupied.code).toBe(1);
    expect(occupied.stderr).toContain('[SERVER_BACKUP_TARGET_NOT_EMPTY]');
    const forced = await runTickline(['restore', '--force', archive], env);
    expect(forced.code, forced.stderr).toBe(0);
    expect(await capture(dataDir, env)).toEqual(before);
  });

  it('refuses a damaged archive, a foreign file and another engine, and leaves the data dir as it was', async () => {
    // Damaged: one byte appended to a log segment, the manifest unchanged.
    const damaged = join(dir.path, 'damaged.tar.gz');
    const work = join(dir.path, 'work');
    await mkdir(work);
    execFileSync('tar', ['-xzf', archive, '-C', work]);
    const segment = (await readdir(join(work, 'eventlog'))).find((name) => name.endsWith('.log'))!;
    await appendFile(join(work, 'eventlog', segment), Buffer.from([0]));
    execFileSync('tar', [
      '-czf',
      damaged,
      '-C',
      work,
      'manifest.json',
      ...(await readdir(work)).filter((n) => n !== 'manifest.json'),
    ]);
    const tampered = await runTickline(['restore', '--force', damaged], env);
    expect(tampered.code).toBe(1);
    expect(tampered.stderr).toContain('[SERVER_BACKUP_CHECKSUM_MISMATCH]');
    expect(tampered.stderr).toContain(`eventlog/${segment}: checksum differs`);

    const foreign = join(dir.path, 'foreign.tar.gz');
    await writeFile(foreign, 'not an archive');
    const invalid = await runTickline(['restore', foreign], env);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain('[SERVER_BACKUP_ARCHIVE_INVALID]');

    const otherEngine = await runTickline(['restore', '--force', archive], {
      ...env,
      TICKLINE_DATABASE_URL: 'postgres://tickline@127.0.0.1:1/none',
    });
    expect(otherEngine.code).toBe(1);
    expect(otherEngine.stderr).toContain('[SERVER_BACKUP_ARCHIVE_INCOMPATIBLE]');

    expect(await capture(dataDir, env)).toEqual(before);
  });
});
