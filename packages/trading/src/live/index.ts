/** @module Live strategy runs: the runner, its store and membership, events and errors. */
export { LiveEngine } from '@tickline/strategy';
export { LiveRunner } from './live-runner.ts';
export { StrategySignal, StrategyLivePaused, LIVE_EVENTS, liveEventChannels } from './live-events.ts';
export { LiveErrorCodes, isLiveLimitError, isLiveNotFoundError } from './errors.ts';
export type { LiveCandle, LiveFeed, LiveStep } from '@tickline/strategy';
export type {
  LiveStrategySpec,
  LiveRunnerOptions,
  LiveRunStatus,
  FeedCandle,
  CandleHistory,
} from './live-runner.ts';
export type { StrategySignalData, StrategyLivePausedData } from './live-events.ts';
export type { LiveErrorCode } from './errors.ts';
export { ownerOf, liveMembers } from './assignment.ts';
export { createLiveHost } from './live-host.ts';
export type { LiveHost, LiveHostDeps } from './live-host.ts';
export { RunnerMembership, RunnerHeartbeat } from './membership.ts';
export { hostSessions } from '@tickline/strategy';
export type { LiveSession, LiveSessionStep, LiveOrder, OpenSession } from '@tickline/strategy';
export { LiveStore } from './live-store.ts';
export type { StoredLiveRun } from './live-store.ts';
export { PortfolioOrderFilled } from './live-events.ts';
export type { PortfolioOrderFilledData } from './live-events.ts';
export { createLiveAdminResponder, adminRun, ADMIN_PAUSE_CODE, everyStrategyProcess } from './live-admin-responder.ts';
export type { LiveAdminResponderOptions } from './live-admin-responder.ts';
