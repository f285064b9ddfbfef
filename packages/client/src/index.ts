/**
 * @module @tickline/client — the Tickline SDK for browsers and Node 24.
 *
 * REST calls with the access token kept in memory and refreshed ahead of expiry (and once on a
 * 401, one refresh shared by concurrent calls); SSE and WebSocket subscriptions that fetch a
 * fresh stream ticket per connect, reconnect with jittered backoff, resume from the last event id
 * and drop duplicates. React bindings live in `@tickline/client/react`.
 *
 * @example
 * const client = createTicklineClient({ baseUrl: 'https://tickline.example' });
 * const { user } = await client.auth.signUp({ email, password });
 * const subscription = client.subscribe([`user:${user.id}`], {
 *   onEvent: (event) => console.log(event.type, event.data),
 *   onReset: () => reloadState(),
 * });
 */
export { createTicklineClient } from './client.ts';
export { DEFAULT_REFRESH_AHEAD_MS } from './client-options.ts';
export {
  TicklineApiError,
  ClientErrorCodes,
  isTicklineApiError,
  isUnauthenticatedError,
  isNetworkError,
  isRetryableError,
} from './errors.ts';
export { SignOutReason } from './auth/session.ts';
export {
  createMemoryTokenStorage,
  createWebTokenStorage,
  DEFAULT_TOKEN_STORAGE_KEY,
} from './auth/token-storage.ts';
export { DEFAULT_PATHS } from './http/routes.ts';
export { orderQuantityFor } from './api/order-sizing.ts';
export { sessionLabel, sessionText } from './api/market-session-label.ts';
export type { SessionLabel } from './api/market-session-label.ts';
export { uploadKlineCsv, listKlineUploads, deleteKlineUpload } from './api/kline-upload.ts';
export type { KlineUpload, KlineUploadOptions, UploadCall } from './api/kline-upload.ts';
export {
  DEFAULT_BACKTEST_DEADLINE_MS,
  DEFAULT_BACKTEST_POLL_MS,
  runBacktestSource,
  saveStrategySource,
  followBacktest,
  rerunBacktest,
} from './api/backtest-source.ts';
export type {
  BacktestSourceOptions,
  BacktestSourceResult,
  FollowBacktestOptions,
  SavedSource,
} from './api/backtest-source.ts';
export { StreamStatus } from './stream/subscription.ts';
export { TransportKind } from './stream/transport.ts';
// The stream gateway's close codes (the protocol's StreamCloseCode), under the SDK's name.
export { StreamCloseCode as CloseCode } from '@tickline/protocol';

export type { TicklineClient, SubscribeOptions } from './client.ts';
export type { TicklineClientOptions } from './client-options.ts';
export type { ClientErrorCode, TicklineApiErrorOptions } from './errors.ts';
export type { SessionEvents } from './auth/session.ts';
export type { TokenStorage, StoredSession, WebStorageLike } from './auth/token-storage.ts';
export type { AuthApi } from './api/auth-api.ts';
export type { AccountApi } from './api/account-api.ts';
export type { ApiKeysApi } from './api/api-keys-api.ts';
export type { StrategiesApi } from './api/strategies-api.ts';
export type { BacktestsApi } from './api/backtests-api.ts';
export type {
  PortfoliosApi,
  PlaceOrderOptions,
  ReconciliationDifference,
  ReconciliationReport,
  Reconciliations,
  TradesQuery,
} from './api/portfolios-api.ts';
export type { LiveStrategiesApi } from './api/live-strategies-api.ts';
export type { OrderSizing } from './api/order-sizing.ts';
export type { NotificationsApi, WebhookInput, PushSubscriptionInput } from './api/notifications-api.ts';
// GraphQL: `client.graphql`; the schema's types and `graphqlDocument` are in `@tickline/client/graphql`.
export type { GraphqlApi, GraphqlResult, GraphqlFieldError } from './graphql/graphql-api.ts';
export type {
  StrategyLanguage,
  ParamSpec,
  StrategySummary,
  StrategyVersionInfo,
  StrategyVersion,
  CreateStrategyInput,
  SaveVersionInput,
  BacktestStatus,
  BacktestSettings,
  RunBacktestInput,
  Backtest,
  BacktestMetrics,
  BacktestTrade,
  BacktestDetail,
  BacktestCurves,
  BacktestProgressEvent,
  BacktestCompletedEvent,
} from '@tickline/protocol';
export type { FetchLike, HttpRequest, HttpMethod, RateLimitRetry } from './http/http-client.ts';
export { DEFAULT_RATE_LIMIT_RETRY } from './http/http-client.ts';
export type { ClientPaths } from './http/routes.ts';
export type { Subscription, StatusChange, SubscriptionHandlers } from './stream/subscription.ts';
export type { ReconnectOptions } from './stream/backoff.ts';
export type { EventSourceConstructor, EventSourceLike } from './stream/sse-transport.ts';
export type { WebSocketConstructor, WebSocketLike } from './stream/ws-transport.ts';
export type { StreamEvent, StreamReset } from '@tickline/protocol';
export type {
  PublicUser,
  Role,
  Tier,
  UserStatus,
  TokenPair,
  SignedIn,
  MfaRequired,
  SignInResult,
  SignUpInput,
  SignInInput,
  CompleteMfaInput,
  ChangePasswordInput,
  TotpCodeInput,
  TotpEnrolment,
  RecoveryCodes,
  ApiKeyInfo,
  CreateApiKeyInput,
  CreatedApiKey,
  ErrorBody,
  OrderSide,
  OrderType,
  OrderStatus,
  RejectReason,
  PortfolioSummary,
  Position,
  PortfolioDetail,
  ClosedTrade,
  ClosedTradesResponse,
  ProfitBucket,
  ProfitSummary,
  EquityPoint,
  EquityRange,
  OrderFill,
  Order,
  PlaceOrderInput,
  LiveSignal,
  LiveFeed,
  LiveRun,
  ParityReportView,
  EnableLiveInput,
  PortfolioRisk,
  PortfolioRiskLimits,
  KillSwitchView,
  HaltProofView,
  HaltEngageInput,
  HaltResponse,
  RiskAuditEntryView,
  UpdateRiskLimitsInput,
  PortfolioVenue,
  BindVenueInput,
  VenueKeyPermissions,
  VenueBalance,
} from '@tickline/protocol';
