/**
 * @module Scaled mode in e2e tests: real `tickline` processes of any role sharing one nats-server
 * (JetStream) and one PostgreSQL database (a fresh one in `TICKLINE_TEST_DATABASE_URL`'s server
 * when set, else in the server the Vitest run's global setup started, else in a PostgreSQL started
 * for this cluster), and a redis-server when asked. Each process gets its own data directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNatsEventLog, type NatsEventLog } from '@tickline/eventlog';
import { createDatabase, RUN_POSTGRES_URL_ENV, requireBinary, requirePostgresBinaries, requireRedisServer, startNatsServer, startPostgres, startRedis, startTicklineServer, TEST_CODE_KEYS_ENV, type NatsServerHandle, type RedisServerHandle, type RunningServer, type SpawnOptions } from '@tickline/testing';
import { subjectPrefixFor } from '../wiring/event-logs.ts';

/**
 * A PostgreSQL server to create the cluster's database in, when there is one: the given server, or
 * the run's (an `initdb` and start per file cost several seconds each on a busy machine).
 */
const sharedPostgresUrl = (): string | undefined =>
  process.env.TICKLINE_TEST_DATABASE_URL ?? process.env[RUN_POSTGRES_URL_ENV];

/**
 * Whether the cluster's dependencies are here (redis-server too with `redis`), and the reason
 * shown in the suite's title.
 */
export function scaledClusterDependencies(options: { redis?: boolean } = {}): {
  available: boolean;
  reason: string;
} {
  const nats = requireBinary('nats-server', 'nats-server');
  const postgres = sharedPostgresUrl()
    ? { available: true, reason: undefined }
    : requirePostgresBinaries();
  const redis = options.redis ? requireRedisServer() : { available: true, reason: undefined };
  return {
    available: nats.available && postgres.available && redis.available,
    reason:
      nats.reason ??
      postgres.reason ??
      redis.reason ??
      (options.redis ? 'nats-server, postgres and redis-server found' : 'nats-server and postgres found'),
  };
}

/** Options for {@link startScaledCluster}. */
export interface ScaledClusterOptions {
  /** Names the database and the processes' data directories (`cross_node`). */
  name: string;
  /** The JetStream stream (unique per run: the process id is appended). */
  stream: string;
  /** Shared by every process, so a token or ticket from one is good on the others. */
  authSecret: string;
  /** More environment for every process. */
  env?: Record<string, string>;
  /** Starts a redis-server too, shared by every process (`TICKLINE_REDIS_URL`). */
  redis?: boolean;
  /**
   * How each process is launched: `bin` is `bin/tickline` as deployed (jemalloc, capped young
   * generation), for runs that judge memory. @default 'node'
   */
  launcher?: SpawnOptions['launcher'];
}

/** A started process, its role and its data directory. */
export type ClusterProcess = RunningServer & { role: string; dataDir: string };

/** The shared dependencies and the processes started on them. */
export interface ScaledCluster {
  /** Starts a `tickline start` process of `role`, with `extra` environment. */
  start(role: string, extra?: Record<string, string>): Promise<ClusterProcess>;
  /** The environment every process shares (NATS servers and stream, database, secret). */
  readonly env: Readonly<Record<string, string>>;
  /** The nats-server every process uses (its pid for CPU readings). */
  readonly nats: NatsServerHandle;
  /** The redis-server, when the options asked for one. */
  readonly redis: RedisServerHandle | undefined;
  /** A client of the processes' event log, as a test's own publisher or reader; closed by the caller. */
  openLog(): Promise<NatsEventLog>;
  /** The processes started so far. */
  processes(): readonly ClusterProcess[];
  /** SIGTERMs every process, stops the dependencies, removes the directories; the exit codes. */
  stop(): Promise<Array<number | null>>;
}

/** Starts nats-server and the database; processes are started with {@link ScaledCluster.start}. */
export async function startScaledCluster(options: ScaledClusterOptions): Promise<ScaledCluster> {
  const dirs: string[] = [];
  const servers: ClusterProcess[] = [];
  let base = sharedPostgresUrl();
  // Independent servers: started side by side.
  const [nats, postgres, redis] = await Promise.all([
    startNatsServer(),
    base ? undefined : startPostgres(),
    options.redis ? startRedis() : undefined,
  ]);
  base ??= postgres!.url;
  const shared: Record<string, string> = {
    TICKLINE_HTTP_PORT: '0',
    TICKLINE_HTTP_HOST: '127.0.0.1',
    TICKLINE_EVENTLOG_ENGINE: 'nats',
    TICKLINE_EVENTLOG_NATS_SERVERS: nats.url,
    TICKLINE_EVENTLOG_NATS_STREAM: `${options.stream}_${process.pid}`,
    TICKLINE_DATABASE_URL: await createDatabase(base, options.name),
    // Every process migrates at start: the advisory lock lets each migration run once.
    TICKLINE_DATABASE_MIGRATE_ON_START: 'true',
    TICKLINE_AUTH_SECRET: options.authSecret,
    ...TEST_CODE_KEYS_ENV,
    ...(redis === undefined ? {} : { TICKLINE_REDIS_URL: redis.url }),
    ...options.env,
  };
  return {
    async start(role, extra = {}) {
      const dataDir = mkdtempSync(join(tmpdir(), `tickline-${options.name}-${role}-`));
      dirs.push(dataDir);
      const server = await startTicklineServer(
        {
          ...shared,
          ...extra,
          TICKLINE_ROLE: role,
          TICKLINE_DATA_DIR: dataDir,
        },
        options.launcher ? { launcher: options.launcher } : {},
      );
      const started = { ...server, role, dataDir };
      servers.push(started);
      return started;
    },
    env: shared,
    nats,
    redis,
    openLog: () =>
      createNatsEventLog({
        servers: nats.url,
        stream: shared.TICKLINE_EVENTLOG_NATS_STREAM!,
        subjectPrefix: subjectPrefixFor(shared.TICKLINE_EVENTLOG_NATS_STREAM!),
      }),
    processes: () => servers,
    async stop() {
      for (const server of servers) if (server.child.exitCode === null) server.child.kill('SIGTERM');
      const codes = await Promise.all(servers.map((server) => server.exited));
      await nats.cleanup();
      await postgres?.cleanup();
      await redis?.cleanup();
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
      return codes;
    },
  };
}
