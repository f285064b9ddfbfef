/**
 * @module @tickline/game — server-authoritative zones: a pure simulation step on a fixed tick,
 * command validation, interest management, and the MessagePack wire protocol.
 */
export { Zone } from './zone/zone.ts';
export { resolveZoneOptions } from './zone/zone-config.ts';
export { ObstacleMap } from './zone/obstacle-map.ts';
export { GameErrorCodes, RejectReason } from './zone/errors.ts';
export { PlayerJoined, PlayerMoved, PlayerLeft, GameEvents } from './zone/events.ts';
export { ZONE_SNAPSHOT_FORMAT } from './zone/snapshot.ts';
export { GameSessionError } from './protocol/session-error.ts';
export { ZoneRunner } from './loop/zone-runner.ts';
export { systemScheduler } from './loop/scheduler.ts';
export { GameSessions } from './session/game-sessions.ts';
export { RoomRunner } from './rooms/room-runner.ts';
export { builtInGames, loadGames } from './games/load-games.ts';
export { tagGame } from './games/tag/tag.ts';
export { arenaGame } from './games/arena/arena.ts';
export { RoomRegistry } from './rooms/room-registry.ts';
export { RoomSessions, ROOM_TOKEN_SCOPE } from './rooms/room-sessions.ts';
export { DEFAULT_SESSION_MAX_MESSAGE_BYTES } from './session/session-options.ts';
export { SpawnPolicy, spawnPoint } from './session/spawn-point.ts';
export { TcpTransport, DEFAULT_CLOSE_GRACE_MS } from './transport/tcp-transport.ts';
export { WsTransport, DEFAULT_GAME_WS_PATH } from './transport/ws-transport.ts';
export { wsCloseCode } from './transport/close-status.ts';
export { createJoinTokens, DEFAULT_JOIN_TOKEN_TTL_MS } from './coordinator/join-token.ts';
export { ZoneCoordinator } from './coordinator/zone-coordinator.ts';
// The wire protocol this server speaks is defined in @tickline/protocol; re-exported so a user of
// the game server finds it at the same entry point (`CloseCode` is the protocol's GameCloseCode).
export {
  GAME_PROTOCOL_VERSION,
  MessageType,
  encodeMessage,
  decodeMessage,
  DEFAULT_MAX_MESSAGE_BYTES,
  encodeFrame,
  FrameDecoder,
  FRAME_HEADER_BYTES,
  DEFAULT_MAX_FRAME_BYTES,
  GameProtocolErrorCodes,
  GameProtocolError,
  GameSessionErrorCodes,
  GameCloseCode as CloseCode,
} from '@tickline/protocol';

export {
  SnapshotKind,
  encodeZoneSnapshot,
  decodeZoneSnapshot,
  toStoredSnapshot,
} from './snapshots/stored-snapshot.ts';
export { DEFAULT_LIST_LIMIT } from './snapshots/snapshot-store.ts';
export {
  createMemorySnapshotStore,
  DEFAULT_MEMORY_SNAPSHOTS_PER_ZONE,
} from './snapshots/memory-snapshot-store.ts';
export {
  createRedisSnapshotStore,
  DEFAULT_REDIS_SNAPSHOT_TTL_MS,
  DEFAULT_REDIS_SNAPSHOTS_PER_ZONE,
} from './snapshots/redis-snapshot-store.ts';
export { createSqlSnapshotStore, DEFAULT_SQL_SNAPSHOTS_PER_ZONE } from './snapshots/sql-snapshot-store.ts';
export { createFileSnapshotStore, DEFAULT_FILE_SNAPSHOTS_PER_ZONE } from './snapshots/file-snapshot-store.ts';
export {
  SnapshotScheduler,
  DEFAULT_HOT_SNAPSHOT_INTERVAL_MS,
  DEFAULT_COLD_SNAPSHOT_INTERVAL_MS,
} from './snapshots/snapshot-scheduler.ts';
export {
  GameSnapshotErrorCodes,
  GameSnapshotError,
  isSnapshotStoreUnavailableError,
  isSnapshotCorruptError,
  isSnapshotNotFoundError,
  isZoneUnknownError,
  isZoneDrainingError,
} from './snapshots/snapshot-errors.ts';
export { recoverZone, RecoverySource } from './recovery/recover-zone.ts';
export { ReplayState } from './recovery/replay-state.ts';
export { createZonePersistence } from './recovery/zone-persistence.ts';
export { ZoneAdmin } from './admin/zone-admin.ts';
export { localZoneOperations } from './remote/local-zone-operations.ts';
export {
  createZoneResponder,
  remoteZoneOperations,
  zoneService,
  ZONES_SERVICE,
  ZONE_RESPONDER_SYNC_INTERVAL_MS,
} from './remote/zone-rpc.ts';
export { localRoomOperations } from './remote/room-operations.ts';
export {
  createRoomResponder,
  remoteRoomOperations,
  ROOMS_SERVICE,
  ROOM_REPLAY_SERVICE,
} from './remote/room-rpc.ts';
export { replayRoom, REPLAY_MAX_TICKS, REPLAY_MAX_SCAN_RECORDS } from './rooms/room-replay.ts';
export { RoomJournal, RoomOpened, RoomTicks } from './rooms/room-journal.ts';

// The game rules API (docs/game.md, "Write your own game"): what a game module is written against.
export {
  field,
  FieldKind,
  accept,
  reject,
  defineGame,
  eachTick,
  checkGame,
  GameRulesError,
  isGameRulesError,
  RulesRoom,
  DEFAULT_HANDLER_BUDGET_MS,
  DEFAULT_MAX_CONSECUTIVE_FAILURES,
  ROOM_SNAPSHOT_FORMAT,
  ROOM_FRAME_VERSION,
  RoomView,
  encodeRoomFrame,
  decodeRoomFrame,
  RoomClosed,
} from './rules/index.ts';
export type {
  FieldType,
  Fields,
  Values,
  GameRules,
  AnyGameRules,
  GameRandom,
  RoomState,
  PlainRoomState,
  CommandOf,
  CommandSpecs,
  RulesContext,
  Decision,
  SpatialOptions,
  GameRulesErrorCode,
  RulesRoomOptions,
  RoomInput,
  RoomAck,
  RoomRejection,
  RoomStepResult,
  RoomSnapshot,
  RoomFrame,
} from './rules/index.ts';

export type { Ack, Rejection, TickResult } from './zone/zone.ts';
export type { ZoneOptions, ResolvedZoneOptions } from './zone/zone-config.ts';
export type { ObstacleMapConfig } from './zone/obstacle-map.ts';
export type { ZoneCommand, JoinCommand, MoveCommand, LeaveCommand } from './zone/commands.ts';
export type { GameRejectReason } from './zone/errors.ts';
export type { ViewDelta } from './zone/interest.ts';
export type { PlayerTable } from './zone/player-table.ts';
export type { ZoneSnapshot, PlayerSnapshot } from './zone/snapshot.ts';
export type {
  GameMessage,
  ClientMessage,
  ServerMessage,
  EntityState,
  DecodeMessageOptions,
  GameProtocolErrorCode,
  GameSessionErrorCode,
} from '@tickline/protocol';
export type { ZoneHost, TickInfo, TickListener, DrainOptions } from './loop/zone-host.ts';
export type { ZoneClients, ZoneRunnerStats } from './loop/zone-runner.ts';
export type { ZoneRunnerOptions, EventSink } from './loop/runner-options.ts';
export type { Scheduler } from './loop/scheduler.ts';
export type { GameSessionsStats } from './session/session-metrics.ts';
export type { RoomRunnerOptions, RoomTickListener } from './rooms/room-runner.ts';
export type { RoomRegistryOptions, RoomWaiter, CreateRoomOptions } from './rooms/room-registry.ts';
export type { RoomSessionsOptions, RoomSession } from './rooms/room-sessions.ts';
export type { GameSessionsOptions, SessionLimits } from './session/session-options.ts';
export type { GameConnection, ConnectionHandler, ConnectionAcceptor } from './session/connection.ts';
export type { TcpTransportOptions } from './transport/tcp-transport.ts';
export type { WsTransportOptions } from './transport/ws-transport.ts';
export type {
  JoinTokens,
  JoinTokenClaims,
  JoinTokenOptions,
  JoinTokenVerification,
} from './coordinator/join-token.ts';
export type { ZoneEntry, JoinTicket, ZoneCoordinatorOptions } from './coordinator/zone-coordinator.ts';
export type { SnapshotInfo, StoredSnapshot, SnapshotMeta } from './snapshots/stored-snapshot.ts';
export type { SnapshotStore, ListSnapshotsOptions } from './snapshots/snapshot-store.ts';
export type { MemorySnapshotStoreOptions } from './snapshots/memory-snapshot-store.ts';
export type { RedisSnapshotStore, RedisSnapshotStoreOptions } from './snapshots/redis-snapshot-store.ts';
export type { SqlSnapshotStoreOptions } from './snapshots/sql-snapshot-store.ts';
export type { FileSnapshotStoreOptions } from './snapshots/file-snapshot-store.ts';
export type {
  SnapshotSource,
  SnapshotSchedulerOptions,
  TakeSnapshotResult,
} from './snapshots/snapshot-scheduler.ts';
export type { GameSnapshotErrorCode } from './snapshots/snapshot-errors.ts';
export type { RecoverZoneOptions, RecoveryResult, RecoveryAttempt } from './recovery/recover-zone.ts';
export type { ReplayLogResult } from './recovery/replay-log.ts';
export type { ZonePersistence, ZonePersistenceOptions } from './recovery/zone-persistence.ts';
export type {
  ZoneAdminOptions,
  ZoneSummary,
  ListedSnapshot,
  RestoreResult,
  DrainResult,
} from './admin/zone-admin.ts';
export { gameModule } from './module/game-module.ts';
export { createGameHost, HOST_PLACEHOLDER, ZONE_ROLES } from './module/game-host.ts';
export { zoneOptionsFrom } from './module/zone-options.ts';
export {
  createAdminGameFeed,
  createGameFiguresReader,
  AdminGameChannel,
  DEFAULT_ADMIN_GAME_FEED_INTERVAL_MS,
} from './module/admin-game-feed.ts';
export { createRedisZoneDirectory, DEFAULT_ZONE_STALE_AFTER_MS } from './module/zone-directory.ts';
export { gameRoutes } from './module/game-routes.ts';
export { gameConfig, GameSchema, GAME_MIGRATIONS_DIR } from './config.ts';
export type { GameHost, GameHostDeps, GameZones } from './module/game-host.ts';
export type { AdminGameFigures, ZoneGameFigures, GameFeedSource } from './module/admin-game-feed.ts';
export type { GameSettings } from './config.ts';
export type { GameRuntimeView } from './remote/local-zone-operations.ts';
export type {
  ZoneOperations,
  ZoneStatus,
  LivePlayerState,
  ZoneSnapshotInfo,
  Notice,
} from './remote/zone-operations.ts';
export type { ZoneResponder, ZoneResponderOptions, RemoteZoneOperationsOptions } from './remote/zone-rpc.ts';
export type {
  RoomOperations,
  LocalRoomOperations,
  LocalRoomOperationsOptions,
  RoomAdminSummary,
  RoomInspection,
  ReplayRequest,
  RoomReplay,
  ReplayedMessage,
} from './remote/room-operations.ts';
export type { ReplayRoomOptions } from './rooms/room-replay.ts';
