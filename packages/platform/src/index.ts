/**
 * @module @tickline/platform — seed 004's platform server: game events projected idempotently
 * into operational SQL tables under a consumer group (several platforms share one log and one
 * database), and the operations behind the admin API, each one audited.
 */
export { DEFAULT_CONSUMER_GROUP, CONSUMER_GROUP_PATTERN, checkConsumerGroup } from './consumer-group.ts';
export {
  PlatformErrorCodes,
  PlatformError,
  isPlatformNotFoundError,
  isPlatformUnavailableError,
  isDeadLetterDiscardedError,
} from './errors.ts';
export { createPlatformProjection, projectPlatformEvents } from './projection/platform-projection.ts';
export { MovementKind, PLATFORM_EVENT_TYPES } from './projection/game-facts.ts';
export {
  maintainMovementPartitions,
  PLATFORM_MOVEMENTS_TABLE,
  DEFAULT_MOVEMENT_RETENTION_DAYS,
  DEFAULT_MOVEMENT_PARTITIONS_AHEAD,
} from './partitions/movement-partitions.ts';
export { AuditOutcome, listAudit, writeAudit, DEFAULT_AUDIT_PAGE } from './audit/audit-log.ts';
export {
  searchPlayers,
  findPlayer,
  playerSessions,
  movementHistory,
  DEFAULT_PLAYER_PAGE,
  DEFAULT_MOVEMENT_PAGE,
  DEFAULT_SESSION_PAGE,
} from './players/player-queries.ts';
export {
  streamOverview,
  DEFAULT_RATE_WINDOW_MS,
  DEFAULT_RATE_SAMPLE_RECORDS,
} from './streams/stream-overview.ts';
export {
  DeadLetterStatus,
  listDeadLetterViews,
  retryDeadLetterAction,
  discardDeadLetter,
} from './dead-letters/dead-letter-ops.ts';
export { createPlatformOperations } from './operations/platform-operations.ts';
export { remoteLiveStrategies } from './strategies/live-strategy-operations.ts';
export type {
  LiveStrategyOperations,
  RemoteLiveStrategiesOptions,
} from './strategies/live-strategy-operations.ts';

export type { PlatformErrorCode } from './errors.ts';
export type { PlatformProjectionOptions } from './projection/platform-projection.ts';
export type { MovementPartitionOptions, MovementPartitionResult } from './partitions/movement-partitions.ts';
export type { AuditActor, AuditEntry, AuditRecord, ListAuditOptions } from './audit/audit-log.ts';
export type {
  PlayerRecord,
  PlayerSession,
  Movement,
  SearchPlayersOptions,
  MovementHistoryOptions,
} from './players/player-queries.ts';
export type { StreamOverview, StreamOverviewOptions, TypeRate } from './streams/stream-overview.ts';
export type {
  DeadLetterView,
  DeadLetterScope,
  ListDeadLetterViewsOptions,
} from './dead-letters/dead-letter-ops.ts';
export type {
  ZoneOperations,
  ZoneStatus,
  LivePlayerState,
  ZoneSnapshotInfo,
  Notice,
} from './game/zone-operations.ts';
export type { PlatformOperations, PlatformOperationsOptions } from './operations/platform-operations.ts';
export { platformModule } from './module/platform-module.ts';
export {
  createPlatformHost,
  PLATFORM_PARTITION_MAINTENANCE_INTERVAL_MS,
  PROJECTING_ROLES,
} from './module/platform-host.ts';
export { platformRoutes } from './module/platform-routes.ts';
export { createOpsFeed, AdminChannel, DEFAULT_OPS_FEED_INTERVAL_MS } from './module/ops-feed.ts';
export { platformConfig, PlatformSchema, PLATFORM_MIGRATIONS_DIR } from './config.ts';
export type { PlatformHost, PlatformHostDeps } from './module/platform-host.ts';
export type { PlatformSettings } from './config.ts';
