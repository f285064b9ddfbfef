/**
 * @module The trading contracts of @tickline/protocol: live runs, risk and the kill switch's halt
 * proofs, results and profit summaries, parity and venues — re-exported by the package's index.
 */
export {
  OrderSideSchema,
  OrderTypeSchema,
  OrderStatusSchema,
  RejectReasonSchema,
  PortfolioSummarySchema,
  PositionSchema,
  PortfoliosResponseSchema,
  PortfolioResponseSchema,
  EquityPointSchema,
  EQUITY_RANGE_BUCKET_MS,
  EQUITY_RANGE_SPAN_MS,
  EQUITY_RANGES,
  EquityHistoryResponseSchema,
  EquityRange,
  OrderFillSchema,
  OrderOriginSchema,
  OrderSchema,
  OrdersResponseSchema,
  OrderResponseSchema,
  PlaceOrderBodySchema,
  KillSwitchResponseSchema,
  LiveSignalSchema,
  LiveFeedSchema,
  LiveRunStateSchema,
  LiveRunSchema,
  FEED_PROBLEM_WORDS,
  LiveRunResponseSchema,
  LiveRunsResponseSchema,
  LiveSignalsResponseSchema,
  LiveLogsResponseSchema,
  EnableLiveBodySchema,
} from './live.ts';
export {
  ParityDecisionSchema,
  ParityFieldSchema,
  ParityReportSchema,
  ParityReportResponseSchema,
  ParityQuerySchema,
} from './parity.ts';
export type {
  OrderSide,
  OrderType,
  OrderStatus,
  RejectReason,
  PortfolioSummary,
  Position,
  PortfolioDetail,
  EquityPoint,
  OrderFill,
  OrderOrigin,
  Order,
  PlaceOrderInput,
  LiveSignal,
  LiveFeed,
  LiveRunState,
  LiveRun,
  EnableLiveInput,
} from './live.ts';
export type { ParityReportView } from './parity.ts';
export {
  PortfolioVenueName,
  VenueKeyPermissionsSchema,
  VenueBalanceSchema,
  PortfolioVenueResponseSchema,
  BindVenueBodySchema,
} from './venue.ts';
export type { VenueKeyPermissions, VenueBalance, PortfolioVenue, BindVenueInput } from './venue.ts';
export {
  RiskLimitsSchema as PortfolioRiskLimitsSchema,
  KillSwitchHandSchema,
  KillSwitchStateSchema,
  RiskAuditEntrySchema,
  PortfolioRiskResponseSchema,
  UpdateRiskLimitsBodySchema,
  KillSwitchBodySchema,
  KillSwitchStateResponseSchema,
  RiskLimitsResponseSchema,
} from './risk.ts';
export {
  HALT_SCOPES,
  HaltProofSchema,
  KillSwitchEngageBodySchema,
  KillSwitchEngagedResponseSchema,
  HaltEngageBodySchema,
  HaltResponseSchema,
  HaltProofsResponseSchema,
} from './halt.ts';
export type { HaltProofView, HaltEngageInput, HaltResponse } from './halt.ts';
export type {
  PortfolioRiskLimits,
  KillSwitchView,
  RiskAuditEntryView,
  PortfolioRisk,
  UpdateRiskLimitsInput,
} from './risk.ts';
export {
  ClosedTradeSchema,
  ClosedTradesResponseSchema,
  ProfitBucketSchema,
  ProfitSummarySchema,
  ProfitResponseSchema,
} from './results.ts';
export type {
  ClosedTrade,
  ClosedTradesResponse,
  ProfitBucket,
  ProfitSummary,
  ProfitResponse,
} from './results.ts';
export { profitBuckets, backtestBreakdowns } from './profit-buckets.ts';
export type { BucketFigures, BacktestBreakdowns } from './profit-buckets.ts';
