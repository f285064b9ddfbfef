/**
 * @module @tickline/testing — real-server harness for integration tests (dev only): free ports,
 * temp dirs, binary lookup that fails in CI, nats-server and a nats-server cluster.
 */
export { freePort, canConnect } from './free-port.ts';
export { tempDir } from './temp-dir.ts';
export { requireBinary } from './binary.ts';
export { startNatsServer } from './nats/nats-server.ts';
export { startNatsCluster } from './nats/nats-cluster.ts';

export type { TempDir } from './temp-dir.ts';
export type { BinaryLookup } from './binary.ts';
export type { NatsServerHandle, StartNatsServerOptions } from './nats/nats-server.ts';
export type { NatsClusterHandle, StartNatsClusterOptions } from './nats/nats-cluster.ts';
