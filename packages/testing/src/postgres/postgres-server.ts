/**
 * @module A real PostgreSQL server for integration tests: Debian's `initdb` + `pg_ctl` in a temp
 * dir, on a free loopback port, as the `postgres` user when the tests run as root. Durability is
 * switched off (fsync, synchronous commit, full-page writes): the data dir is thrown away.
 */
import { chown, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from '../free-port.ts';
import { tempDir, type TempDir } from '../temp-dir.ts';
import { requirePostgresBinaries } from './postgres-binaries.ts';
import { runCommand, serverUser, type RunAs } from './run-command.ts';

/** A running (or stopped) PostgreSQL server. */
export interface PostgresServerHandle {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (trust auth on loopback). */
  url: string;
  port: number;
  dataDir: string;
  /** Fast shutdown; resolves once the server has exited. */
  stop(): Promise<void>;
  /** Starts a stopped server again on the same port and data. */
  start(): Promise<void>;
  /** Stops if running and removes the temp dir. */
  cleanup(): Promise<void>;
}

/** Options for {@link startPostgres}. */
export interface StartPostgresOptions {
  /** @default a free port */
  port?: number;
  /**
   * Extra `-c name=value` settings, after the harness's own (a later one wins). The replica
   * starter passes the streaming settings here.
   * @default none
   */
  settings?: readonly string[];
}

const START_ATTEMPTS = 3;
const PG_CTL_WAIT_SECONDS = 30;
const SERVER_SETTINGS = [
  'listen_addresses=127.0.0.1',
  'fsync=off',
  'synchronous_commit=off',
  'full_page_writes=off',
  'max_connections=200',
];

// A test process that dies without cleanup must not leave postmasters behind.
const livePids = new Set<number>();
process.once('exit', () => {
  for (const pid of livePids) {
    try {
      process.kill(pid, 'SIGQUIT'); // immediate shutdown
    } catch {
      // already gone
    }
  }
});

/**
 * Creates a cluster with `initdb` and starts it with `pg_ctl`, waiting until it accepts
 * connections.
 * @throws when the binaries are missing (use `requirePostgresBinaries` first to skip instead).
 * @example
 * const pg = await startPostgres();
 * try { … new pg.Client({ connectionString: pg.url }) … } finally { await pg.cleanup(); }
 */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServerHandle> {
  const { work, dataDir, exec } = await prepareServerDir('tickline-pg');
  try {
    await exec('initdb', ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '-N']);
    return await startOnFreePort(work, dataDir, exec, options);
  } catch (error) {
    await work.remove();
    throw error;
  }
}

/** Binaries, temp dir and `exec` for a server about to be made: shared with the replica starter. */
export async function prepareServerDir(
  prefix: string,
): Promise<{ work: TempDir; dataDir: string; exec: Exec; as: RunAs | undefined }> {
  const binaries = requirePostgresBinaries();
  if (!binaries.available) throw new Error(binaries.reason);
  const as = await serverUser();
  const work = await tempDir(prefix);
  if (as) await chown(work.path, as.uid, as.gid);
  const exec = (name: string, args: string[]) =>
    runCommand(join(binaries.path!, name), args, { cwd: work.path, as });
  return { work, dataDir: join(work.path, 'data'), exec, as };
}

/**
 * Starts the cluster in `dataDir` on `options.port` or a free port (a few tries: another process
 * may take the free port before the server binds it). Does not remove `work` on failure.
 */
export async function startOnFreePort(
  work: TempDir,
  dataDir: string,
  exec: Exec,
  options: StartPostgresOptions,
): Promise<PostgresServerHandle> {
  let lastError: unknown;
  for (let attempt = 0; attempt < (options.port ? 1 : START_ATTEMPTS); attempt++) {
    const port = options.port ?? (await freePort());
    const server = new PostgresProcess(exec, work.path, dataDir, port, options.settings ?? []);
    try {
      await server.start();
      return {
        url: `postgres://postgres@127.0.0.1:${port}/postgres`,
        port,
        dataDir,
        stop: () => server.stop(),
        start: () => server.start(),
        cleanup: async () => {
          await server.stop();
          await work.remove();
        },
      };
    } catch (error) {
      // Most often the free port was taken before the server bound it: try another.
      lastError = error;
    }
  }
  throw lastError;
}

/** Runs one of the server binaries (`initdb`, `pg_ctl`, `pg_basebackup`) as the server user. */
export type Exec = (name: string, args: string[]) => Promise<string>;

class PostgresProcess {
  readonly #exec: Exec;
  readonly #workDir: string;
  readonly #dataDir: string;
  readonly #port: number;
  readonly #settings: readonly string[];
  #pid: number | undefined;

  constructor(exec: Exec, workDir: string, dataDir: string, port: number, settings: readonly string[]) {
    this.#exec = exec;
    this.#workDir = workDir;
    this.#dataDir = dataDir;
    this.#port = port;
    this.#settings = settings;
  }

  async start(): Promise<void> {
    if (this.#pid !== undefined) return;
    const settings = [
      `-p ${this.#port}`,
      `-k ${this.#workDir}`,
      ...[...SERVER_SETTINGS, ...this.#settings].map((s) => `-c ${s}`),
    ];
    const logFile = join(this.#workDir, 'postgres.log');
    try {
      await this.#exec('pg_ctl', [
        ...['-D', this.#dataDir, '-l', logFile, '-w', '-t', String(PG_CTL_WAIT_SECONDS), '-s'],
        ...['-o', settings.join(' '), 'start'],
      ]);
    } catch (error) {
      const log = await readFile(logFile, 'utf8').catch(() => '');
      throw new Error(`${(error as Error).message}\n${log.split('\n').slice(-20).join('\n')}`);
    }
    const pidFile = await readFile(join(this.#dataDir, 'postmaster.pid'), 'utf8');
    this.#pid = Number(pidFile.split('\n')[0]);
    livePids.add(this.#pid);
  }

  async stop(): Promise<void> {
    if (this.#pid === undefined) return;
    await this.#exec('pg_ctl', ['-D', this.#dataDir, '-m', 'fast', '-w', '-s', 'stop']);
    livePids.delete(this.#pid);
    this.#pid = undefined;
  }
}
