/**
 * @module A real PostgreSQL server for integration tests: Debian's `initdb` + `pg_ctl` in a temp
 * dir, on a free loopback port, as the `postgres` user when the tests run as root. Durability is
 * switched off (fsync, synchronous commit, full-page writes): the data dir is thrown away.
 */
import { chown, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from '../free-port.ts';
import { tempDir } from '../temp-dir.ts';
import { requirePostgresBinaries } from './postgres-binaries.ts';
import { runCommand, serverUser } from './run-command.ts';

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
  const binaries = requirePostgresBinaries();
  if (!binaries.available) throw new Error(binaries.reason);
  const bin = (name: string) => join(binaries.path!, name);
  const as = await serverUser();
  const work = await tempDir('tickline-pg');
  if (as) await chown(work.path, as.uid, as.gid);
  const dataDir = join(work.path, 'data');
  const exec = (name: string, args: string[]) => runCommand(bin(name), args, { cwd: work.path, as });
  try {
    await exec('initdb', ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '-N']);
    let lastError: unknown;
    for (let attempt = 0; attempt < (options.port ? 1 : START_ATTEMPTS); attempt++) {
      const port = options.port ?? (await freePort());
      const server = new PostgresProcess(exec, work.path, dataDir, port);
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
  } catch (error) {
    await work.remove();
    throw error;
  }
}

type Exec = (name: string, args: string[]) => Promise<string>;

class PostgresProcess {
  readonly #exec: Exec;
  readonly #workDir: string;
  readonly #dataDir: string;
  readonly #port: number;
  #pid: number | undefined;

  constructor(exec: Exec, workDir: string, dataDir: string, port: number) {
    this.#exec = exec;
    this.#workDir = workDir;
    this.#dataDir = dataDir;
    this.#port = port;
  }

  async start(): Promise<void> {
    if (this.#pid !== undefined) return;
    const settings = [`-p ${this.#port}`, `-k ${this.#workDir}`, ...SERVER_SETTINGS.map((s) => `-c ${s}`)];
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
