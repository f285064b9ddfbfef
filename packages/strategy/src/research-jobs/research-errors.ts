/** @module Error codes of research jobs and the promotion gate (documented in docs/errors.md). */
import { defineErrorCodes } from '@tickline/kernel';

export const ResearchErrorCodes = defineErrorCodes({
  STRATEGY_QUOTA_RESEARCH: {
    meaning: "The user started as many research runs today (UTC) as the tier allows (identity's backtestsPerDay).",
    resolve: 'Wait for the next UTC day (details.resetAt), or move to a larger tier.',
    httpStatus: 429,
  },
  STRATEGY_QUOTA_RESEARCH_CONCURRENT: {
    meaning: 'The user has as many research runs queued or running as the tier allows (strategy.tiers.*.concurrentJobs).',
    resolve: 'Wait for a run to finish or cancel one, then start again.',
    httpStatus: 429,
  },
  STRATEGY_RESEARCH_TOO_LARGE: {
    meaning:
      "The job's preflight estimate (details.estimate: trials, bar-steps, CPU, memory) is above the tier's bounds on one research job (strategy.research.tiers.*; details.limits).",
    resolve: 'Narrow the grid, lengthen the windows or the step, shorten the range, or move to a larger tier.',
    httpStatus: 403,
  },
  STRATEGY_RESEARCH_BUDGET_EXCEEDED: {
    meaning:
      "A running research job used the tier's whole CPU or wall-time budget for one job (strategy.research.tiers.*.cpuMsPerJob / wallMsPerJob) and was stopped; recorded as the run's error.",
    resolve: 'Run a smaller job (see the estimate POST /research answers with), or move to a larger tier.',
    httpStatus: 422,
  },
  STRATEGY_RESEARCH_NO_SETS: {
    meaning:
      'The research run has no parameter set to use: it has not succeeded (details.status), it is a look-ahead check, or details.rank is past the sets its report lists (details.sets).',
    resolve: 'Wait for the run to succeed, pick a rank its report lists (1 is the best), or use a walk-forward or parameter search.',
    httpStatus: 409,
  },
  STRATEGY_GATE_REFUSED: {
    meaning:
      "The owner's tier requires the promotion gate, and no research report on this version passed it (details.failed lists the checks) nor did an admin override it.",
    resolve: 'Run a look-ahead check and a walk-forward on the version until GET /strategies/{id}/versions/{n}/gate passes, or ask an admin for an override.',
    httpStatus: 403,
  },
  STRATEGY_CPU_FORECAST_EXCEEDS_BUDGET: {
    meaning:
      "The version's newest backtest used more CPU per candle (details.forecastMs, from details.backtestId) than the tier's live budget (details.budgetMs, trading.live.tiers.*.cpuMsPerCandle): live, it would be paused for CPU.",
    resolve: 'Do less work per candle (incremental indicators, fewer logs and plots), backtest the new version, or move to a tier with a larger budget.',
    httpStatus: 403,
  },
});
