import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, cp, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createMetricsRegistry } from '@tickline/kernel';
import { createPgliteSql, lockDataDir } from '@tickline/store';
import {
  tempDir,
  runTickline,
  startTicklineServer,
  type FinishedCommand,
  type TempDir,
} from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  captureDataDirFiles,
  captureLogs,
  captureSnapshotFiles,
  captureTables,
} from './backup-fixture.test-support.ts';

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

/** Rows, log records and snapshot files of a stopped data dir, read side by side (none writes). */
async function capture(dataDir: string, env: Record<string, string>) {
  const [rows, logs, snapshots] = await Promise.all([
    tables(dataDir),
    captureLogs(env),
    captureSnapshotFiles(dataDir),
  ]);
  return { tables: rows, logs, snapshots };
}

/**
 * The tests share only what beforeAll made (the archive, the captures) and each works in a data dir
 * of its own, so they run side by side: integration files run one at a time, and the CLI processes
 * of three tests keep both cores busy where one test's would wait on each other. Side by side, a
 * test's time includes the others' work: hence a timeout above the project's 120 s.
 */
const SIDE_BY_SIDE_TIMEOUT_MS = 300_000;

describe.concurrent(
  'backup - embedded data dir round trip (PGlite, embedded logs, file snapshots)',
  { timeout: SIDE_BY_SIDE_TIMEOUT_MS },
  () => {
    let dir: TempDir;
    let dataDir: string;
    let env: Record<string, string>;
    let archive: string;
    let made: FinishedCommand;
    let before: Awaited<ReturnType<typeof capture>>;
    let files: Record<string, string>;

    /**
     * A copy of the backed-up data dir for one test to run commands against: the original stays as
     * it was backed up, so each test stands alone whatever ran before it.
     */
    async function copyOfDataDir(name: string): Promise<{ dataDir: string; env: Record<string, string> }> {
      const copy = join(dir.path, name, 'data');
      await cp(dataDir, copy, { recursive: true });
      return { dataDir: copy, env: { ...env, TICKLINE_DATA_DIR: copy } };
    }

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
      // The one archive every test restores or damages; what the backup printed is checked in the
      // round trip. Its files, byte for byte, are the data dir's once the backup is done.
      made = await runTickline(['backup', '--output', archive], env);
      if (made.code !== 0) throw new Error(`tickline backup exited ${made.code}: ${made.stderr}`);
      files = await captureDataDirFiles(dataDir);
    });
    afterAll(() => dir?.remove());

    it('the run left rows, log records and snapshots to back up', ({ expect }) => {
      expect(before.tables.users?.rows).toBeGreaterThan(0);
      expect(before.tables.game_snapshots?.rows).toBeGreaterThan(0);
      expect(before.logs.main.trim().split('\n').length).toBeGreaterThan(1);
      expect(Object.keys(before.snapshots).length).toBeGreaterThan(0);
    });

    it('backup → restore into an empty data dir gives the same rows, log records and snapshots', async ({
      expect,
    }) => {
      expect(made.stdout.trim()).toBe(archive);
      expect(made.stderr).toMatch(/backup: db: \d+ files/);
      expect(made.stderr).toMatch(/backup: eventlog: \d+ files/);
      expect(made.stderr).toMatch(/backup: done/);

      const target = join(dir.path, 'restored', 'data');
      const restoredEnv = { ...env, TICKLINE_DATA_DIR: target };
      const restore = await runTickline(['restore', archive], restoredEnv);
      expect(restore.code, restore.stderr).toBe(0);
      expect(restore.stderr).toMatch(/restore: verified \d+ files/);

      expect(await captureDataDirFiles(target)).toEqual(files);
      expect(await capture(target, restoredEnv)).toEqual(before);
    });

    it('refuses a data dir a running tickline holds, and a non-empty one without --force', async ({
      expect,
    }) => {
      const held = await copyOfDataDir('held');
      // A file the archive lacks: the forced restore must replace what it finds, not add to it.
      await writeFile(join(held.dataDir, 'game-snapshots', 'stray.snap'), 'not from the archive');
      const heldFiles = await captureDataDirFiles(held.dataDir);
      // This test process is alive: its lock on the database is what a running server's would be.
      const unlock = await lockDataDir(join(held.dataDir, 'db'));
      try {
        const other = join(dir.path, 'other.tar.gz');
        const [backup, restore] = await Promise.all([
          runTickline(['backup', '--output', other], held.env),
          runTickline(['restore', '--force', archive], held.env),
        ]);
        expect(backup.code).toBe(1);
        expect(backup.stderr).toContain('[SERVER_BACKUP_DATA_DIR_IN_USE]');
        expect(existsSync(other)).toBe(false);
        expect(restore.code).toBe(1);
        expect(restore.stderr).toContain('[SERVER_BACKUP_DATA_DIR_IN_USE]');
      } finally {
        await unlock();
      }
      const occupied = await runTickline(['restore', archive], held.env);
      expect(occupied.code).toBe(1);
      expect(occupied.stderr).toContain('[SERVER_BACKUP_TARGET_NOT_EMPTY]');
      expect(await captureDataDirFiles(held.dataDir)).toEqual(heldFiles);
      const forced = await runTickline(['restore', '--force', archive], held.env);
      expect(forced.code, forced.stderr).toBe(0);
      expect(await captureDataDirFiles(held.dataDir)).toEqual(files);
    });

    it('refuses a damaged archive, a foreign file and another engine, and leaves the data dir as it was', async ({
      expect,
    }) => {
      const target = await copyOfDataDir('refusing');
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
      const foreign = join(dir.path, 'foreign.tar.gz');
      await writeFile(foreign, 'not an archive');

      // Each is refused before anything is touched: the three run side by side.
      const [tampered, invalid, otherEngine] = await Promise.all([
        runTickline(['restore', '--force', damaged], target.env),
        runTickline(['restore', foreign], target.env),
        runTickline(['restore', '--force', archive], {
          ...target.env,
          TICKLINE_DATABASE_URL: 'postgres://tickline@127.0.0.1:1/none',
        }),
      ]);
      expect(tampered.code).toBe(1);
      expect(tampered.stderr).toContain('[SERVER_BACKUP_CHECKSUM_MISMATCH]');
      expect(tampered.stderr).toContain(`eventlog/${segment}: checksum differs`);
      expect(invalid.code).toBe(1);
      expect(invalid.stderr).toContain('[SERVER_BACKUP_ARCHIVE_INVALID]');
      expect(otherEngine.code).toBe(1);
      expect(otherEngine.stderr).toContain('[SERVER_BACKUP_ARCHIVE_INCOMPATIBLE]');

      expect(await captureDataDirFiles(target.dataDir)).toEqual(files);
    });
  },
);
