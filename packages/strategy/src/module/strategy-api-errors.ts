/**
 * @module Error codes of the strategy API and its job queue (quotas, run lifecycle, ranges).
 * The engine's and sandbox's own codes are in `core/errors.ts`.
 */
import { defineErrorCodes } from '@tickline/kernel';

export const StrategyApiErrorCodes = defineErrorCodes({
  STRATEGY_QUOTA_STRATEGIES: {
    meaning: "The user already stores as many strategies as the tier allows (identity's maxStrategies).",
    resolve: 'Delete a strategy you no longer need, or move to a larger tier.',
    httpStatus: 403,
  },
  STRATEGY_QUOTA_VERSIONS: {
    meaning:
      'The strategy already keeps as many versions as the tier allows (strategy.tiers.*.maxVersionsPerStrategy).',
    resolve: 'Save the code as a new strategy, delete one you no longer need, or move to a larger tier.',
    httpStatus: 403,
  },
  STRATEGY_QUOTA_CODE_BYTES: {
    meaning:
      "The version would take the account's stored source past the tier's bytes (strategy.tiers.*.maxStoredCodeBytes; details.usedBytes, details.limit).",
    resolve: 'Delete strategies you no longer need, or move to a larger tier.',
    httpStatus: 403,
  },
  STRATEGY_QUOTA_BACKTESTS: {
    meaning:
      "The user started as many backtests today (UTC) as the tier allows (identity's backtestsPerDay).",
    resolve: 'Wait for the next UTC day (details.resetAt), or move to a larger tier.',
    httpStatus: 429,
  },
  STRATEGY_QUOTA_CONCURRENT: {
    meaning:
      'The user has as many backtests queued or running as the tier allows (strategy.tiers.*.concurrentJobs).',
    resolve: 'Wait for a run to finish or cancel one, then start again.',
    httpStatus: 429,
  },
  STRATEGY_COMPILE_BUSY: {
    meaning:
      'Too many compiles at once: this account already has strategy.compile.perUser running or waiting, or the server strategy.compile.maxInFlight (details.scope says which).',
    resolve: 'Wait for your other saves and checks to finish, then retry after `Retry-After`.',
    httpStatus: 429,
  },
  STRATEGY_TIER_LIMIT: {
    meaning: 'The run asks for more sandbox memory or CPU time, or more candles, than the tier allows.',
    resolve: 'Ask for at most the limits in details, shorten the range, or move to a larger tier.',
    httpStatus: 403,
  },
  STRATEGY_RANGE_INVALID: {
    meaning: 'The backtest range is empty or reversed (`from` must be before `to`).',
    resolve: 'Send `from` < `to` as ISO dates or epoch milliseconds.',
    httpStatus: 400,
  },
  STRATEGY_RUN_FINISHED: {
    meaning: 'The backtest already finished; it cannot be cancelled.',
    resolve: 'Nothing to do: read its result or error.',
    httpStatus: 409,
  },
  STRATEGY_RUN_INTERRUPTED: {
    meaning: 'The process running the backtest stopped while it ran; the run was not finished.',
    resolve: 'Start the backtest again.',
    httpStatus: 500,
  },
  STRATEGY_RERUN_UNPINNED: {
    meaning:
      'The backtest was run before data versions existed, so the data it read was not pinned and it cannot be reproduced.',
    resolve: 'Start a new backtest with the same request: it pins its data, and that one can be re-run.',
    httpStatus: 409,
  },
  STRATEGY_RESULT_PENDING: {
    meaning: 'The backtest has no result yet (queued, running, failed or cancelled).',
    resolve: 'Wait for `backtest.completed` on your stream, or read the run status.',
    httpStatus: 409,
  },
});

export type StrategyApiErrorCode = keyof typeof StrategyApiErrorCodes;
