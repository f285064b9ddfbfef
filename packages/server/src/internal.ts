/** @module Everything public plus what tests and sibling packages need. */
export * from './index.ts';
export { mapError } from './http/error-handler.ts';
export { gcraParams, gcraStep } from './http/plugins/rate-limit/gcra.ts';
export { contentSecurityPolicy } from './http/plugins/security/security-headers.ts';
export { readTlsCredentials } from './http/plugins/security/tls-options.ts';
export { requestIdFrom, REQUEST_ID_HEADER } from './http/request-id.ts';
// natsLogOptions: bench:scale's whole-log reader opens the delivery log exactly as gateways do.
export { openEventLog, eventLogLocation, LogKind, natsLogOptions } from './wiring/event-logs.ts';
export { deriveAuthKeys, loadAuthKeys } from './wiring/auth-keys.ts';
export { openDatabase, databaseLocation } from './wiring/database.ts';
// The composed migration set, for `npm run release:queries`.
export { loadAllMigrations } from './wiring/migrations.ts';
// Load for the topology scripts (`npm run chaos`, `npm run soak`): the outage tests' bot fleet and
// the stream clients.
export {
  accessTokenFor,
  callJson,
  initialAdminToken,
  openEventSource,
  signUpAndIn,
  streamTicket,
  TEST_PASSWORD,
  type ReceivedEvent,
  type StreamClient,
} from './testing/api-clients.ts';
export { startOutageFleet, type OutageFleet } from './game/testing/outage-fleet.ts';
// The multi-process rows of `npm run bench:fanout` and `npm run bench:scale`: real processes on
// nats-server and PostgreSQL, as the scaled e2e tests start them.
export {
  startScaledCluster,
  scaledClusterDependencies,
  type ClusterProcess,
  type ScaledCluster,
} from './testing/scaled-cluster.ts';
