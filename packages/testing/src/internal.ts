/** @module Everything public plus the pieces other harnesses reuse. */
export * from './index.ts';
export { ServerProcess, SERVER_READY_TIMEOUT_MS, SERVER_STOP_TIMEOUT_MS } from './nats/server-process.ts';
export type { ServerSpec } from './nats/server-process.ts';
// A PostgreSQL started on a restored data dir (the point-in-time recovery test).
export { startPostgresOn, serverWritableDir } from './postgres/postgres-restored.ts';
