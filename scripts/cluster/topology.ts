/**
 * @module The scaled topology on one machine, for `npm run cluster`, the chaos run and the soak:
 * PostgreSQL (a primary and a streaming replica the processes read from), a 3-node NATS JetStream
 * cluster (the stream at 3 replicas), Redis, and N `tickline`
 * processes of every role on loopback. The dependencies come from the `@tickline/testing`
 * harness (real binaries on free ports) — which is why this is a dev script and not a `tickline`
 * subcommand: the production binary must not depend on the test harness.
 *
 * Each tickline process has a fixed HTTP port chosen at start, so a restart (after a kill -9)
 * comes back at the same address.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  createDatabase,
  freePort,
  startNatsCluster,
  startPostgresPrimary,
  startPostgresReplica,
  startRedis,
  type NatsClusterHandle,
  type PostgresServerHandle,
  type RedisServerHandle,
} from '@tickline/testing';
import { startTicklineServer, type RunningServer } from '@tickline/server/testing';
import type { ClusterState, ClusterStateProcess } from './cluster-state.ts';

/** The roles started, in start order: the platform first (it migrates and projects), then the rest. */
export const TOPOLOGY_ROLES = ['platform', 'gateway', 'collector', 'game', 'strategy'] as const;
export type TopologyRole = (typeof TOPOLOGY_ROLES)[number];

/** Options for {@link startTopology}. */
export interface TopologyOptions {
  /** Data of every tickline process lives under it (and the dependencies' temp dirs). */
  baseDir: string;
  /** Processes per role. @default 2 */
  perRole?: number;
  /** Progress lines. */
  log: (message: string) => void;
  /** More environment for every tickline process. */
  env?: Record<string, string>;
}

/** One tickline process of the topology; it can be killed and started again at the same port. */
export interface TicklineNode {
  readonly name: string;
  readonly role: TopologyRole;
  readonly port: number;
  readonly url: string;
  readonly dataDir: string;
  /** The running child, undefined while it is down. */
  server: RunningServer | undefined;
  /** SIGKILL (a crash); resolves once it has exited. */
  kill(): Promise<void>;
  /** SIGTERM; resolves once it has exited. */
  stop(): Promise<void>;
  /** Starts it again (after kill or stop) with the same environment and port. */
  start(): Promise<void>;
}

/** A started topology. */
export interface Topology {
  readonly postgres: PostgresServerHandle;
  /** A streaming replica of `postgres`; the processes read from it (`database.readUrl`). */
  readonly replica: PostgresServerHandle;
  readonly nats: NatsClusterHandle;
  readonly redis: RedisServerHandle;
  readonly databaseUrl: string;
  /** The environment every tickline process shares (log, database, Redis, secret). */
  readonly env: Readonly<Record<string, string>>;
  readonly nodes: readonly TicklineNode[];
  /** What the state file says. */
  state(): ClusterState;
  /** Stops every process, then the dependencies. */
  stop(): Promise<void>;
}

const STREAM = 'CLUSTER';
const START_ATTEMPTS = 3;
const AUTH_SECRET = 'tickline-cluster-shared-secret-0123456789';
/** Strategy code keys, the same on every process (PostgreSQL refuses the public `dev` key). */
const CODE_KEYS = JSON.stringify({ cluster: Buffer.alloc(32, 17).toString('base64') });

/** The environment of the `index`-th (1-based) process of `role`. */
function roleEnv(role: TopologyRole, index: number): Record<string, string> {
  switch (role) {
    case 'game':
      // One zone per game process; a survivor adopts the other's zone when it dies.
      return { TICKLINE_GAME_ZONES: `zone-${index}` };
    case 'collector':
      // A simulator per collector, each with its own seed, so the two never offer the same trade.
      return {
        TICKLINE_MARKET_SOURCES: JSON.stringify([
          { kind: 'simulator', symbols: ['BTC-USDT', 'ETH-USDT'], seed: index, tradesPerSecond: 2 },
        ]),
      };
    default:
      return {};
  }
}

function createNode(
  role: TopologyRole,
  index: number,
  port: number,
  baseDir: string,
  env: Record<string, string>,
): TicklineNode {
  const dataDir = join(baseDir, `${role}-${index}`);
  mkdirSync(dataDir, { recursive: true });
  const nodeEnv = {
    ...env,
    ...roleEnv(role, index),
    TICKLINE_ROLE: role,
    TICKLINE_DATA_DIR: dataDir,
    TICKLINE_HTTP_PORT: String(port),
  };
  const node: TicklineNode = {
    name: `${role}-${index}`,
    role,
    port,
    url: `http://127.0.0.1:${port}`,
    dataDir,
    server: undefined,
    async kill() {
      const server = node.server;
      if (!server) return;
      server.child.kill('SIGKILL');
      await server.exited;
      node.server = undefined;
    },
    async stop() {
      const server = node.server;
      if (!server) return;
      if (server.child.exitCode === null) server.child.kill('SIGTERM');
      await server.exited;
      node.server = undefined;
    },
    async start() {
      // Creating a durable consumer on an R3 stream can time out while the machine is busy (the
      // JetStream meta leader answers late): the process exits, and a second attempt succeeds.
      for (let attempt = 1; ; attempt++) {
        try {
          // As deployed: the soak judges memory, and the allocator is half of it.
          node.server = await startTicklineServer(nodeEnv, { launcher: 'bin' });
          break;
        } catch (error) {
          if (attempt >= START_ATTEMPTS) throw error;
        }
      }
      // A crash of a process must not take the supervisor with it: forget it when it exits.
      const started = node.server;
      void started.exited.then(() => {
        if (node.server === started) node.server = undefined;
      });
    },
  };
  return node;
}

/** Starts the dependencies, then `perRole` processes of every role, role by role. */
export async function startTopology(options: TopologyOptions): Promise<Topology> {
  const { baseDir, log } = options;
  const perRole = options.perRole ?? 2;
  mkdirSync(baseDir, { recursive: true });
  // The harness makes its temp dirs in os.tmpdir(), which reads TMPDIR: everything under baseDir.
  process.env.TMPDIR = baseDir;
  log('starting PostgreSQL (primary and streaming replica), a 3-node NATS JetStream cluster and Redis');
  const [postgres, nats, redis] = await Promise.all([
    startPostgresPrimary(),
    startNatsCluster({ size: 3 }),
    startRedis(),
  ]);
  const databaseUrl = await createDatabase(postgres.url, 'cluster');
  // Taken after the database exists; it follows the primary from there (migrations included).
  const replica = await startPostgresReplica(postgres);
  const readUrl = withPort(databaseUrl, replica.port);
  log(`  postgres ${postgres.url} (replica ${replica.url})`);
  log(`  nats     ${nats.urls.join(', ')}`);
  log(`  redis    ${redis.url}`);
  const env: Record<string, string> = {
    TICKLINE_HTTP_HOST: '127.0.0.1',
    TICKLINE_EVENTLOG_ENGINE: 'nats',
    TICKLINE_EVENTLOG_NATS_SERVERS: nats.urls.join(','),
    TICKLINE_EVENTLOG_NATS_STREAM: STREAM,
    // Three copies: an acknowledged event survives the loss of any one node.
    TICKLINE_EVENTLOG_NATS_REPLICAS: '3',
    TICKLINE_DATABASE_URL: databaseUrl,
    TICKLINE_DATABASE_READ_URL: readUrl,
    TICKLINE_DATABASE_MIGRATE_ON_START: 'true',
    TICKLINE_REDIS_URL: redis.url,
    TICKLINE_AUTH_SECRET: AUTH_SECRET,
    TICKLINE_STRATEGY_CODE_KEYS: CODE_KEYS,
    TICKLINE_STRATEGY_CURRENT_KEY_ID: 'cluster',
    TICKLINE_GAME_ADVERTISE_HOST: '127.0.0.1',
    TICKLINE_GAME_SPAWN: 'scatter',
    TICKLINE_GAME_SNAPSHOTS_HOT_INTERVAL_MS: '1000',
    TICKLINE_HTTP_RATE_LIMIT_ENABLED: 'false',
    // Every bot connects from loopback: the per-address cap would refuse all but the first 32.
    TICKLINE_GAME_LIMITS_MAX_CONNECTIONS_PER_ADDRESS: '1000',
    // Fewer market events than the defaults (six intervals, forming candles every 250 ms): with
    // ten processes and three NATS nodes on two cores, the defaults kept the platform's
    // projections tens of thousands of records behind.
    TICKLINE_MARKET_CANDLES_INTERVALS: '1m',
    TICKLINE_MARKET_CANDLES_LIVE_INDICATOR_INTERVALS: '1m',
    TICKLINE_MARKET_CANDLES_UPDATE_INTERVAL_MS: '1000',
    TICKLINE_MARKET_TICKER_INTERVAL_MS: '1000',
    ...options.env,
  };
  const nodes: TicklineNode[] = [];
  const stopAll = async () => {
    await Promise.all(nodes.map((node) => node.stop()));
    await replica.cleanup();
    await Promise.all([nats.cleanup(), redis.cleanup(), postgres.cleanup()]);
  };
  try {
    for (const role of TOPOLOGY_ROLES) {
      const started: TicklineNode[] = [];
      for (let index = 1; index <= perRole; index++)
        started.push(createNode(role, index, await freePort(), baseDir, env));
      // One at a time: two processes of a role create the same durable consumers at once, which
      // on two busy cores made the JetStream API time out.
      for (const node of started) await node.start();
      nodes.push(...started);
      for (const node of started) log(`  ${node.name.padEnd(12)} pid ${node.server?.child.pid} ${node.url}`);
    }
  } catch (error) {
    await stopAll();
    throw error;
  }
  const dependency = (name: string, role: string, port: number): ClusterStateProcess => ({
    name,
    role,
    port,
  });
  return {
    postgres,
    replica,
    nats,
    redis,
    databaseUrl,
    env,
    nodes,
    state: () => ({
      supervisorPid: process.pid,
      baseDir,
      startedAt: new Date().toISOString(),
      databaseUrl,
      natsUrls: nats.urls,
      redisUrl: redis.url,
      stream: STREAM,
      processes: [
        dependency('postgres', 'postgres', postgres.port),
        dependency('postgres-replica', 'postgres', replica.port),
        ...nats.servers.map((server) => dependency(server.name, 'nats', server.port)),
        dependency('redis', 'redis', redis.port),
        ...nodes.map((node) => ({
          name: node.name,
          role: node.role,
          pid: node.server?.child.pid,
          port: node.port,
          url: node.url,
        })),
      ],
    }),
    stop: stopAll,
  };
}

/** `url` pointing at another port of the same host (the replica holds the same databases). */
function withPort(url: string, port: number): string {
  const parsed = new URL(url);
  parsed.port = String(port);
  return parsed.toString();
}
