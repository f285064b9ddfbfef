/**
 * @module @tickline/protocol — the contracts every side of Tickline shares, each defined once:
 * the game wire format (messages, codec, framing, close codes), the real-time stream's messages
 * and close codes, channel names and event types, the REST response schemas of the identity,
 * market, game, strategy, backtest and admin APIs and of the account snapshot, and the closed
 * sets (candle intervals, roles, tiers, account statuses, API-key scopes). Server packages, the SDK (`@tickline/client`) and the dashboard
 * import them from here. Depends on zod and msgpackr only; free of side effects, so a bundle
 * keeps only what it uses.
 */
export { GAME_PROTOCOL_VERSION, MessageType } from './game/messages.ts';
export { encodeMessage, decodeMessage, DEFAULT_MAX_MESSAGE_BYTES } from './game/codec.ts';
export { KNOWN_MESSAGE_TYPES, MAX_STRING_LENGTH, MAX_STRING_BYTES } from './game/layouts.ts';
export {
  TICK_FRAME_MARKER,
  TickFlag,
  TICK_HEADER_BYTES,
  MAX_TICK_HEADER_BYTES,
  EMPTY_TICK_BODY_BYTES,
  MAX_QUANTIZED,
  MAX_HANDLE,
  TickBodyWriter,
  tickHeaderBytes,
  writeTickHeader,
  encodeTick,
  readTick,
  peekTickAck,
  positionStepFor,
  quantize,
  dequantize,
  encodeHandleId,
} from './game/tick-frame.ts';
export { HandleView } from './game/handle-view.ts';
export { readMoveInto, readRoomCommand } from './game/inbound-fast-paths.ts';
export {
  ROOM_FRAME_VERSION,
  MAX_FRAME_FIELDS,
  RoomView,
  fieldValues,
  readFieldValues,
  encodeRoomFrame,
  decodeRoomFrame,
  encodeRoomCommand,
  decodeRoomCommand,
} from './game/room-frame.ts';
export { encodeFrame, FrameDecoder, FRAME_HEADER_BYTES, DEFAULT_MAX_FRAME_BYTES } from './game/framing.ts';
export {
  GameProtocolErrorCodes,
  GameProtocolError,
  DecodeFailure,
  isGameProtocolError,
} from './game/errors.ts';
export { GameSessionErrorCodes, GameCloseCode, GAME_FOLLOW_CLOSE_CODES } from './game/close-codes.ts';
export { StreamResetReason, STREAM_TICKET_PARAM, LAST_EVENT_ID_PARAM } from './stream/stream-messages.ts';
export {
  StreamCloseCode,
  shouldReconnect,
  shouldReconnectAfterClose,
  RECONNECTABLE_STREAM_ERRORS,
} from './stream/stream-close-codes.ts';
export {
  CandleInterval,
  CANDLE_INTERVALS,
  CandleIntervalSchema,
  isCandleInterval,
} from './sets/candle-interval.ts';
export {
  SymbolSchema,
  SYMBOL_PATTERN,
  SYMBOL_RE,
  CRYPTO_PAIR_PATTERN,
  SHARE_SYMBOL_PATTERN,
} from './sets/symbol.ts';
export {
  Role,
  ROLES,
  RoleSchema,
  Tier,
  TIERS,
  TierSchema,
  UserStatus,
  USER_STATUSES,
  UserStatusSchema,
  ApiKeyScope,
  API_KEY_SCOPES,
  RouteAccess,
  ROUTE_SCOPES,
  isRouteScope,
  hasAdminPower,
} from './sets/identity-sets.ts';
export { EventType, GAME_PLAYER_EVENT_PREFIX } from './events/event-types.ts';
export { Channel, ChannelPattern } from './channels/channels.ts';
export { ErrorBodySchema } from './rest/error-body.ts';
export {
  PublicUserSchema,
  VerificationLinkSchema,
  EmailVerificationDeliverySchema,
  TokenPairSchema,
  SignedInSchema,
  MfaRequiredSchema,
  SignInResultSchema,
  ApiKeyInfoSchema,
  CreatedApiKeySchema,
  TotpEnrolmentSchema,
  RecoveryCodesSchema,
} from './rest/identity.ts';
export {
  INDICATOR_NAMES,
  TradeSideSchema,
  SourceStateSchema,
  TradeSchema,
  CandleSchema,
  Stats24hSchema,
  MarketsResponseSchema,
  MarketSummarySchema,
  MarketResponseSchema,
  CandlesResponseSchema,
  TradesResponseSchema,
  TickerResponseSchema,
  SourcesResponseSchema,
  IndicatorResponseSchema,
  JobRunSchema,
  JobsResponseSchema,
  JobRunResponseSchema,
  QuarantineResponseSchema,
  TickerMessageSchema,
  SourcesMessageSchema,
} from './rest/market.ts';
export {
  ADJUST_MODES,
  AdjustModeSchema,
  DataVersionSchema,
  DataVersionsResponseSchema,
  CorporateActionSchema,
  CorporateActionsResponseSchema,
  CorporateActionsStoredSchema,
} from './rest/market-versions.ts';
export type { AdjustModeName, DataVersionView, CorporateActionView } from './rest/market-versions.ts';
export { MarketSessionState, MarketListingSchema, MarketSessionSchema } from './rest/market-session.ts';
export type { MarketListing, MarketSession } from './rest/market-session.ts';
export {
  ArchivedFileSchema,
  ArchiveTotalsSchema,
  MarketArchiveResponseSchema,
} from './rest/market-archive.ts';
export type { ArchivedFileView, MarketArchiveView } from './rest/market-archive.ts';
export { AdminBackupsResponseSchema, BackupRunSchema } from './rest/backups.ts';
export type { AdminBackupsView, BackupEntryView, BackupRunView } from './rest/backups.ts';
export {
  JoinTicketSchema,
  ZoneListSchema,
  GameRoomSchema,
  GameRoomListSchema,
  RoomTicketSchema,
  CreatedRoomSchema,
} from './rest/game.ts';
export { AccountSnapshotSchema, AccountSnapshotStatusSchema } from './rest/account.ts';
export {
  StrategyLanguageSchema,
  ParamSpecSchema,
  StrategySummarySchema,
  StrategyVersionInfoSchema,
  StrategyVersionSchema,
  StrategyListSchema,
  StrategyResponseSchema,
  CreatedStrategySchema,
  StrategyVersionListSchema,
  SavedVersionSchema,
  StrategyVersionResponseSchema,
  CompiledSchema,
  StrategyApiTypesSchema,
  GateResponseSchema,
  ResearchProgressEventSchema,
  ResearchCompletedEventSchema,
  GateOverrideResponseSchema,
} from './rest/strategy.ts';
export {
  BacktestStatusSchema,
  BacktestSettingsSchema,
  BacktestSchema,
  BacktestMetricsSchema,
  BacktestTradeSchema,
  BacktestResponseSchema,
  BacktestListSchema,
  BacktestDetailSchema,
  BacktestTradesSchema,
  BacktestCurvesSchema,
  BacktestProgressEventSchema,
  BacktestCompletedEventSchema,
} from './rest/backtest.ts';
export {
  DeadLetterStatusSchema,
  StreamsSchema,
  DeadLetterPageSchema,
  RetriedSchema,
  NoContentSchema,
  PlayerSchema,
  PlayerListSchema,
  PlayerDetailSchema,
  MovementsSchema,
  ZonesSchema,
  AdminSnapshotSchema,
  SnapshotListSchema,
  SnapshotTakenSchema,
  RestoredSchema,
  BroadcastResultSchema,
  DrainedSchema,
  HandedOffSchema,
  AuditPageSchema,
} from './rest/admin.ts';
export {
  AdminRoomSchema,
  AdminRoomListSchema,
  AdminRoomDetailSchema,
  AdminRoomKickBodySchema,
  AdminRoomMuteBodySchema,
  AdminRoomMessageBodySchema,
  AdminRoomBanBodySchema,
  AdminRoomReplayQuerySchema,
  AdminRoomActedSchema,
  AdminRoomMutedSchema,
  AdminRoomBannedSchema,
  AdminRoomReplaySchema,
} from './rest/admin-rooms.ts';
export type { AdminRoom, AdminRoomDetail, AdminRoomReplay } from './rest/admin-rooms.ts';
export {
  LIVE_ADMIN_SERVICE,
  DEFAULT_ADMIN_PAUSE_REASON,
  LiveAdminRequestSchema,
  AdminLiveRunSchema,
  StrategyProcessSchema,
  AdminLiveStrategiesSchema,
  AdminPauseLiveBodySchema,
  AdminLivePausedSchema,
} from './rest/admin-live.ts';
export {
  NotificationKind,
  InboxItemSchema,
  InboxAddedSchema,
  InboxReadSchema,
  InboxPageSchema,
  UnreadCountSchema,
  MarkedSchema,
  NotificationChannelNameSchema,
  NotificationRuleSchema,
  NotificationSettingsSchema,
  NotificationRulesSchema,
  WebhookFormatSchema,
  WebhookEndpointSchema,
  CreatedWebhookSchema,
  RotatedSecretSchema,
  QueuedTestSchema,
  QueuedSchema,
  WebhookAttemptSchema,
  WebhookAttemptsSchema,
  PushSubscriptionInfoSchema,
  VapidPublicKeySchema,
  NotificationPhoneSchema,
  PhoneVerificationStartedSchema,
  DeliveryStatusSchema,
  AdminDeliverySchema,
  AdminDeliveriesSchema,
  AdminEndpointSchema,
  AdminEndpointsSchema,
} from './rest/notify.ts';

export type * from './game/messages.ts';
export type {
  StreamEvent,
  StreamReset,
  WireEvent,
  StreamRef,
  StreamClientMessage,
  StreamControlMessage,
  StreamServerMessage,
} from './stream/stream-messages.ts';
export type { DecodeMessageOptions } from './game/codec.ts';
export type { MoveFields } from './game/inbound-fast-paths.ts';
export type { FieldTable, FieldValues, RoomChanges, RoomFrame } from './game/room-frame.ts';
export type { FieldKind, Layout } from './game/layouts.ts';
export type { GameProtocolErrorCode, ProtocolErrorDescription } from './game/errors.ts';
export type { GameSessionErrorCode } from './game/close-codes.ts';
export type { RouteScope } from './sets/identity-sets.ts';
export type { ErrorBody } from './rest/error-body.ts';
export type {
  PublicUser,
  EmailVerificationDelivery,
  TokenPair,
  SignedIn,
  MfaRequired,
  SignInResult,
  ApiKeyInfo,
  CreatedApiKey,
  TotpEnrolment,
  RecoveryCodes,
  SignUpInput,
  SignInInput,
  CompleteMfaInput,
  ChangePasswordInput,
  TotpCodeInput,
  CreateApiKeyInput,
} from './rest/identity.ts';
export type {
  IndicatorName,
  Trade,
  Candle,
  Stats24h,
  MarketsResponse,
  MarketSummary,
  CandlesResponse,
  TradesResponse,
  TickerResponse,
  SourcesResponse,
  SourceStatus,
  IndicatorResponse,
  JobRun,
  JobsResponse,
  QuarantineResponse,
  TickerMessage,
  SourcesMessage,
} from './rest/market.ts';
export type { JoinTicket, ZoneList, GameRoom, GameRoomList, RoomTicket, CreatedRoom } from './rest/game.ts';
export type { AccountSnapshot, AccountSnapshotStatus } from './rest/account.ts';
export type {
  StrategyLanguage,
  ParamSpec,
  StrategySummary,
  StrategyVersionInfo,
  StrategyVersion,
  CreatedStrategy,
  Compiled,
  CreateStrategyInput,
  SaveVersionInput,
} from './rest/strategy.ts';
export type {
  BacktestStatus,
  BacktestSettings,
  Backtest,
  BacktestMetrics,
  BacktestTrade,
  BacktestDetail,
  BacktestTrades,
  BacktestCurves,
  BacktestProgressEvent,
  BacktestCompletedEvent,
  RunBacktestInput,
} from './rest/backtest.ts';
export type { ResearchProgressEvent, ResearchCompletedEvent } from './rest/strategy.ts';
export type {
  Streams,
  DeadLetterPage,
  DeadLetter,
  Player,
  PlayerList,
  PlayerDetail,
  Movements,
  Zones,
  ZoneStatus,
  AdminSnapshot,
  SnapshotList,
  Restored,
  BroadcastResult,
  Drained,
  HandedOff,
  AuditPage,
  AuditEntry,
} from './rest/admin.ts';
export type {
  LiveAdminRequest,
  AdminLiveRun,
  StrategyProcess,
  AdminLiveStrategies,
  AdminLivePaused,
} from './rest/admin-live.ts';
export type {
  InboxItem,
  InboxAdded,
  InboxRead,
  InboxPage,
  NotificationChannelName,
  NotificationRule,
  NotificationSettings,
  NotificationRules,
  NotificationSettingsPatch,
  WebhookFormat,
  WebhookEndpointInfo,
  CreatedWebhook,
  RotatedSecret,
  WebhookAttempt,
  PushSubscriptionInfo,
  NotificationPhone,
  PhoneVerificationStarted,
  DeliveryStatus,
  AdminDelivery,
  AdminDeliveries,
  AdminEndpoint,
} from './rest/notify.ts';
export { STRATEGY_TEMPLATES, type StrategyTemplate } from './strategy/strategy-templates.ts';
export {
  HISTORY_DOWNLOAD_VENUES,
  HistoryDownloadRequestSchema,
  HistoryDownloadSchema,
  HistoryDownloadEventSchema,
  HistorySeriesSchema,
} from './rest/history-download.ts';
export type {
  HistoryDownloadRequest,
  HistoryDownload,
  HistoryDownloadEvent,
  HistorySeries,
} from './rest/history-download.ts';
export * from './rest/trading-contracts.ts';
