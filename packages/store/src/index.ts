/**
 * @module @tickline/store — SQL for Tickline: one `Sql` port over PGlite (embedded, in a worker
 * thread) and PostgreSQL, one migration set, the idempotent projection helper for consumers, and
 * bulk inserts, the transactional outbox, time-range partition upkeep, and the read/write split
 * (`createReadSql`: read-only statements to a streaming replica, read-your-writes on the primary).
 *
 * @example
 * const sql = config.database.url
 *   ? await createPostgresSql({ url: config.database.url })
 *   : await createPgliteSql({ dataDir: join(dataDir, 'pglite') });
 * await migrate(sql);
 * const projection = createSqlProjection({ sql, consumer: 'accounts', project: async (tx, events) => { … } });
 */
export { SqlDialect } from './port/sql.ts';
export { createPgliteSql, copyEmbeddedDatabase } from './pglite/pglite-sql.ts';
export { lockDataDir, DATA_DIR_LOCK_FILE } from './pglite/data-dir-lock.ts';
export {
  createPostgresSql,
  DEFAULT_POOL_SIZE,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_IDLE_TIMEOUT_MS,
} from './postgres/postgres-sql.ts';
export { createReadSql, DEFAULT_READ_FRESH_WINDOW_MS, DEFAULT_READ_MAX_LAG_MS } from './replica/read-sql.ts';
export { ReadRoute } from './replica/replica-metrics.ts';
export { migrate, migrationStatus } from './migrations/migrate.ts';
export {
  loadMigrations,
  loadMigrationSets,
  migrationFromText,
  MIGRATIONS_DIR,
} from './migrations/load-migrations.ts';
export { createSqlProjection } from './projection/sql-projection.ts';
export { pruneProcessedEvents, DEFAULT_REDELIVERY_WINDOW_MS } from './projection/prune-processed.ts';
export { insertRows, DEFAULT_INSERT_CHUNK_ROWS } from './bulk/insert-rows.ts';
export {
  PartitionPeriod,
  periodStart,
  addPeriods,
  partitionRange,
  partitionsAround,
} from './partitions/partition-periods.ts';
export { listPartitions, ensurePartitions, dropPartitionsBefore } from './partitions/partitions.ts';
export { createOutbox, OUTBOX_FLUSH_TIMEOUT_MS, OUTBOX_RESEND_BATCH } from './outbox/outbox.ts';
export {
  StoreErrorCodes,
  StoreError,
  isStoreConnectionError,
  isStoreQueryError,
  isUniqueViolationError,
  isConstraintViolationError,
  isSerializationFailureError,
  isMigrationChangedError,
  isMigrationFailedError,
  isStoreClosedError,
  isStoreLockedError,
} from './errors.ts';

export type { Sql, SqlTx, SqlQueryable, SqlResult, SqlValue, SqlHealth } from './port/sql.ts';
export type { PgliteSqlOptions, PgliteLocation } from './pglite/pglite-sql.ts';
export type { PostgresSqlOptions } from './postgres/postgres-sql.ts';
export type { ReadSql, ReadSqlOptions, ReplicaStatus } from './replica/read-sql.ts';
export type {
  MigrateOptions,
  MigrateResult,
  MigrationStatus,
  AppliedMigration,
} from './migrations/migrate.ts';
export type { Migration } from './migrations/load-migrations.ts';
export type { PruneProcessedOptions, PruneProcessedResult } from './projection/prune-processed.ts';
export type {
  SqlProjection,
  SqlProjectionOptions,
  ProjectionContext,
  ProjectionResult,
  ConsumerCheckpoint,
} from './projection/sql-projection.ts';
export type { InsertRowsOptions, OnConflict } from './bulk/insert-rows.ts';
export type { PartitionRange } from './partitions/partition-periods.ts';
export type { Outbox, OutboxOptions, OutboxPublisher } from './outbox/outbox.ts';
export type { PartitionedTable, PartitionInfo, PartitionDropResult } from './partitions/partitions.ts';
export type { StoreErrorCode } from './errors.ts';
