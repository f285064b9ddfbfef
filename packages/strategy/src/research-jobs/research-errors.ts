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
  STRATEGY_GATE_REFUSED: {
    meaning:
      "The owner's tier requires the promotion gate, and no research report on this version passed it (details.failed lists the checks) nor did an admin override it.",
    resolve: 'Run a look-ahead check and a walk-forward on the version until GET /strategies/{id}/versions/{n}/gate passes, or ask an admin for an override.',
    httpStatus: 403,
  },
});
