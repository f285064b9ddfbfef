/**
 * @module The scaled topology on one machine, for `npm run cluster`, the chaos run, the soak, the
 * blue/green release run and the browser test at scale: PostgreSQL (a primary and, by default, a
 * streaming replica the processes read from), a NATS JetStream cluster (3 nodes, the stream at 3
 * replicas, by default), Redis, N `tickline` processes of every role on loopback, and one address
 * in front of the gateways (front-proxy.ts), as a Service gives one in Kubernetes. The
 * dependencies come from this harness (real binaries on free ports) — which is
 * why this is test code and not a `tickline` subcommand: the production binary must not depend on
 * the test harness.
 *
 * Each tickline process has a fixed HTTP port chosen at start, so a restart (after a kill -9)
 * comes back at the same address. Processes carry a colour (`blue` from the start): a release
 * adds `green` ones with {@link Topology.add} and routes the front to them.
 */
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../free-port.ts';
import { startNatsCluster, type NatsClusterHandle } from '../nats/nats-cluster.ts';
import { startNatsServer } from '../nats/nats-server.ts';
import { createDatabase } from '../postgres/create-database.ts';
import type { PostgresServerHandle } from '../postgres/postgres-server.ts';
import { startPostgresPrimary, startPostgresReplica } from '../postgres/postgres-replica.ts';
import { startRedis, type RedisServerHandle } from '../redis/redis-server.ts';
import { startFrontProxy, type FrontProxy } from './front-proxy.ts';
import { GATE_OFF_ENV, startTicklineServer, type RunningServer } from './tickline-process.ts';

/** The roles started, in start order: the platform first (it migrates and projects), then the rest. */
export const TOPOLOGY_ROLES = ['platform', 'gateway', 'collector', 'game', 'strategy'] as const;
export type TopologyRole = (typeof TOPOLOGY_ROLES)[number];

/** Options for {@link startTopology}. */
export interface TopologyOptions {
  /** Data of every tickline process lives under it (and the dependencies' temp dirs). */
  baseDir: string;
  /** Processes per role. @default 2 */
  perRole?: number;
  /** Processes of some roles (the others get `perRole`); 0 starts none of a role. */
  roles?: Partial<Record<TopologyRole, number>>;
  /** NATS JetStream nodes; the stream gets as many replicas (at most 3). @default 3 */
  natsNodes?: number;
  /** A streaming replica of PostgreSQL the processes read from. @default true */
  readReplica?: boolean;
  /** Progress lines. */
  log: (message: string) => void;
  /** More environment for every tickline process. */
  env?: Record<string, string>;
  /** Zones per game process (`zone-1…` numbered across the processes). @default 1 */
  zonesPerGame?: number;
  /** Keep every process's log in `<its data dir>/tickline.log`, restarts appended. @default false */
  keepLogs?: boolean;
}

/** One tickline process of the topology; it can be killed and started again at the same port. */
export interface TicklineNode {
  readonly name: string;
  readonly role: TopologyRole;
  /** Which release the process belongs to: `blue` from the start, then what {@link Topology.add} says. */
  readonly colour: string;
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
  /** A streaming replica of `postgres` the processes read from (`database.readUrl`), when asked for. */
  readonly replica: PostgresServerHandle | undefined;
  readonly nats: NatsClusterHandle;
  readonly redis: RedisServerHandle;
  readonly databaseUrl: string;
  /** The stream's name. */
  readonly stream: string;
  /** The environment every tickline process shares (log, database, Redis, secret). */
  readonly env: Readonly<Record<string, string>>;
  /** Every process started, in start order (stopped ones stay listed with `server` undefined). */
  readonly nodes: readonly TicklineNode[];
  /** One address in front of the gateways (the blue ones until a release routes it elsewhere). */
  readonly front: FrontProxy;
  /** Starts one more process of `role` (of `colour`, with `env` on top of the shared one). */
  add(role: TopologyRole, options?: { colour?: string; env?: Record<string, string> }): Promise<TicklineNode>;
  /** Stops every process, then the front and the dependencies. */
  stop(): Promise<void>;
}

const STREAM = 'CLUSTER';
/**
 * The game log's partitions (`eventlog.gamePartitions`): on, as deploy/ ships it and as the chaos
 * run and the soak measured it, so what runs here is what was measured. Four spread the default
 * topology's zones (zone-1, zone-2) and its rooms (random ids) over more than one stream.
 */
export const TOPOLOGY_GAME_PARTITIONS = 4;
const START_ATTEMPTS = 3;
/** A stopped process still running this long after SIGTERM is killed (past its drain and stop). */
const STOP_KILL_AFTER_MS = 60_000;
const AUTH_SECRET = 'tickline-cluster-shared-secret-0123456789';
/** Strategy code keys, the same on every process (PostgreSQL refuses the public `dev` key). */
const CODE_KEYS = JSON.stringify({ cluster: Buffer.alloc(32, 17).toString('base64') });

/** The zones of the `index`-th (1-based) game process: numbered across the processes. */
export function topologyZones(index: number, zonesPerGame: number): string[] {
  return Array.from({ length: zonesPerGame }, (_, i) => `zone-${(index - 1) * zonesPerGame + i + 1}`);
}

/** The environment of the `index`-th (1-based) process of `role`. */
function roleEnv(role: TopologyRole, index: number, zonesPerGame: number): Record<string, string> {
  switch (role) {
    case 'game':
      // A survivor adopts the other's zones when it dies.
      return { TICKLINE_GAME_ZONES: topologyZones(index, zonesPerGame).join(',') };
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
  colour: string,
  extra: Record<string, string>,
  layout: { zonesPerGame: number; keepLogs: boolean; log?: (line: string) => void },
): TicklineNode {
  const dataDir = join(baseDir, `${role}-${index}`);
  mkdirSync(dataDir, { recursive: true });
  const nodeEnv = {
    ...env,
    ...roleEnv(role, index, layout.zonesPerGame),
    ...extra,
    TICKLINE_ROLE: role,
    TICKLINE_DATA_DIR: dataDir,
    TICKLINE_HTTP_PORT: String(port),
  };
  const node: TicklineNode = {
    name: `${role}-${index}`,
    role,
    colour,
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
      // As a supervisor does past its grace period: Node can deadlock inside process.exit after a
      // clean stop (bin/node-as-server), and a run waiting on such a process never ended.
      const kill = setTimeout(() => {
        layout.log?.(`  ${node.name} did not exit ${STOP_KILL_AFTER_MS / 1000} s after SIGTERM: SIGKILL`);
        server.child.kill('SIGKILL');
      }, STOP_KILL_AFTER_MS);
      await server.exited;
      clearTimeout(kill);
      node.server = undefined;
    },
    async start() {
      // Creating a durable consumer on an R3 stream can time out while the machine is busy (the
      // JetStream meta leader answers late): the process exits, and a second attempt succeeds.
      for (let attempt = 1; ; attempt++) {
        try {
          // As deployed: the soak judges memory, and the allocator is half of it.
          node.server = await startTicklineServer(nodeEnv, {
            launcher: 'bin',
            ...(layout.keepLogs ? { logFile: join(dataDir, 'tickline.log') } : {}),
          });
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

/** Starts the dependencies, then the processes of every role, role by role, then the front. */
export async function startTopology(options: TopologyOptions): Promise<Topology> {
  const { baseDir, log } = options;
  const perRole = options.perRole ?? 2;
  const countOf = (role: TopologyRole) => options.roles?.[role] ?? perRole;
  const natsNodes = options.natsNodes ?? 3;
  const readReplica = options.readReplica ?? true;
  mkdirSync(baseDir, { recursive: true });
  // Run as root, the harness starts PostgreSQL as its own user, which must reach its directory
  // under this one (a mkdtemp directory is 0700).
  chmodSync(baseDir, 0o755);
  // The harness makes its temp dirs in os.tmpdir(), which reads TMPDIR: everything under baseDir.
  process.env.TMPDIR = baseDir;
  log(
    `starting PostgreSQL${readReplica ? ' (primary and streaming replica)' : ''}, a ${natsNodes}-node NATS JetStream cluster and Redis`,
  );
  const [postgres, nats, redis] = await Promise.all([
    startPostgresPrimary(),
    natsNodes === 1 ? startLoneNats() : startNatsCluster({ size: natsNodes }),
    startRedis(),
  ]);
  const databaseUrl = await createDatabase(postgres.url, 'cluster');
  // Taken after the database exists; it follows the primary from there (migrations included).
  const replica = readReplica ? await startPostgresReplica(postgres) : undefined;
  log(`  postgres ${postgres.url}${replica ? ` (replica ${replica.url})` : ''}`);
  log(`  nats     ${nats.urls.join(', ')}`);
  log(`  redis    ${redis.url}`);
  const env: Record<string, string> = {
    TICKLINE_HTTP_HOST: '127.0.0.1',
    TICKLINE_EVENTLOG_ENGINE: 'nats',
    TICKLINE_EVENTLOG_NATS_SERVERS: nats.urls.join(','),
    TICKLINE_EVENTLOG_NATS_STREAM: STREAM,
    // Three copies: an acknowledged event survives the loss of any one node.
    TICKLINE_EVENTLOG_NATS_REPLICAS: String(Math.min(3, natsNodes)),
    TICKLINE_EVENTLOG_GAME_PARTITIONS: String(TOPOLOGY_GAME_PARTITIONS),
    TICKLINE_DATABASE_URL: databaseUrl,
    ...(replica ? { TICKLINE_DATABASE_READ_URL: withPort(databaseUrl, replica.port) } : {}),
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
    // A cluster for load and chaos runs many live bots that have no research reports: the
    // promotion gate (on by default) is off here; `options.env` turns it back on.
    ...GATE_OFF_ENV,
    ...options.env,
  };
  const nodes: TicklineNode[] = [];
  let front: FrontProxy | undefined;
  const stopAll = async () => {
    await Promise.all(nodes.map((node) => node.stop()));
    await front?.close();
    await replica?.cleanup();
    await Promise.all([nats.cleanup(), redis.cleanup(), postgres.cleanup()]);
  };
  const lastIndex = new Map<TopologyRole, number>();
  const make = async (role: TopologyRole, colour: string, extra: Record<string, string> = {}) => {
    const index = (lastIndex.get(role) ?? 0) + 1;
    lastIndex.set(role, index);
    return createNode(role, index, await freePort(), baseDir, env, colour, extra, {
      zonesPerGame: options.zonesPerGame ?? 1,
      keepLogs: options.keepLogs ?? false,
      log,
    });
  };
  try {
    for (const role of TOPOLOGY_ROLES) {
      const started: TicklineNode[] = [];
      for (let index = 1; index <= countOf(role); index++) started.push(await make(role, 'blue'));
      // One at a time: two processes of a role create the same durable consumers at once, which
      // on two busy cores made the JetStream API time out.
      for (const node of started) await node.start();
      nodes.push(...started);
      for (const node of started) log(`  ${node.name.padEnd(12)} pid ${node.server?.child.pid} ${node.url}`);
    }
    front = await startFrontProxy({ backends: nodes.filter((n) => n.role === 'gateway').map((n) => n.port) });
    log(`  front        ${front.url} (the gateways)`);
  } catch (error) {
    await stopAll();
    throw error;
  }
  return {
    postgres,
    replica,
    nats,
    redis,
    databaseUrl,
    stream: STREAM,
    env,
    nodes,
    front,
    async add(role, addOptions = {}) {
      const node = await make(role, addOptions.colour ?? 'blue', addOptions.env);
      nodes.push(node);
      await node.start();
      log(`  ${node.name.padEnd(12)} pid ${node.server?.child.pid} ${node.url} (${node.colour})`);
      return node;
    },
    stop: stopAll,
  };
}

/** One nats-server shaped as a cluster of one (a JetStream cluster needs routes to peers). */
async function startLoneNats(): Promise<NatsClusterHandle> {
  const server = await startNatsServer();
  return { servers: [server], urls: [server.url], cleanup: () => server.cleanup() };
}

/** `url` pointing at another port of the same host (the replica holds the same databases). */
function withPort(url: string, port: number): string {
  const parsed = new URL(url);
  parsed.port = String(port);
  return parsed.toString();
}
