/**
 * @module @tickline/testing — real-server harness for integration tests (dev only): free ports,
 * temp dirs, binary lookup that fails in CI, nats-server and a nats-server cluster, PostgreSQL
 * (server, primary with a streaming replica, database per file, Vitest global setup),
 * redis-server; `until`, the polling helper. And Tickline itself: the real `tickline` executable
 * as a child process (a command, or `tickline start` on a migrated template database), and the
 * scaled topology (every role as its own process on nats-server, PostgreSQL and Redis, gateways
 * behind one front address) that the e2e tests, the dashboard's browser tests and the cluster
 * scripts start. These spawn bin.ts by path: this package imports no Tickline package.
 */
export { freePort, canConnect } from './free-port.ts';
export { tempDir } from './temp-dir.ts';
export { requireBinary } from './binary.ts';
export { startNatsServer } from './nats/nats-server.ts';
export { startNatsCluster } from './nats/nats-cluster.ts';
export { startPostgres } from './postgres/postgres-server.ts';
export {
  startPostgresPrimary,
  startPostgresReplica,
  PRIMARY_REPLICATION_SETTINGS,
} from './postgres/postgres-replica.ts';
export { requirePostgresBinaries } from './postgres/postgres-binaries.ts';
export { createDatabase } from './postgres/create-database.ts';
export { providedPostgres, PROVIDED_POSTGRES_KEY, RUN_POSTGRES_URL_ENV } from './postgres/provided-postgres.ts';
export { startRedis, requireRedisServer } from './redis/redis-server.ts';
export { until, DEFAULT_UNTIL_TIMEOUT_MS } from './until.ts';
export {
  runTickline,
  seedDataDir,
  startTicklineServer,
  embeddedTestEnv,
  GATE_OFF_ENV,
  TEST_CODE_KEYS_ENV,
} from './tickline/tickline-process.ts';
export {
  startTopology,
  topologyZones,
  TOPOLOGY_GAME_PARTITIONS,
  TOPOLOGY_ROLES,
} from './tickline/topology.ts';
export { startFrontProxy } from './tickline/front-proxy.ts';
export {
  HOLD_STRATEGY_SOURCE,
  risingKlines,
  LOOP_GATE_ENV,
  LOOP_LIVE_INTERVAL,
  LOOP_SECONDS_WINDOWS,
  recordedSeconds,
} from './fixtures/trader-loop.ts';

export type { TempDir } from './temp-dir.ts';
export type { BinaryLookup } from './binary.ts';
export type { NatsServerHandle, StartNatsServerOptions } from './nats/nats-server.ts';
export type { NatsClusterHandle, StartNatsClusterOptions } from './nats/nats-cluster.ts';
export type { PostgresServerHandle, StartPostgresOptions } from './postgres/postgres-server.ts';
export type { ProvidedPostgres } from './postgres/provided-postgres.ts';
export type { RedisServerHandle, StartRedisOptions } from './redis/redis-server.ts';
export type { UntilOptions } from './until.ts';
export type { FinishedCommand, RunningServer, SpawnOptions } from './tickline/tickline-process.ts';
export type { TopologyOptions, TopologyRole, TicklineNode, Topology } from './tickline/topology.ts';
export type { FrontProxy, FrontProxyOptions } from './tickline/front-proxy.ts';
