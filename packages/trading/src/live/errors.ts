/** @module Errors of live strategy runs. */
import { defineErrorCodes, errorGuard } from '@tickline/kernel';

export const LiveErrorCodes = defineErrorCodes({
  STRATEGY_LIVE_LIMIT: {
    meaning: "Enabling this strategy would run more live strategies at once than the user's tier allows.",
    resolve: 'Pause another live strategy, or move to a tier with more live strategies.',
    httpStatus: 409,
  },
  STRATEGY_LIVE_ENABLE_BUSY: {
    meaning:
      "Another enable or resume of this account's live strategies is still loading: one goes at a time, as each holds its live sandbox process while it loads.",
    resolve: 'Wait for the other enable or resume to answer, then retry after `Retry-After`.',
    httpStatus: 429,
  },
  STRATEGY_LIVE_ENABLE_RATE: {
    meaning: 'This account enabled or resumed live strategies more often in the last minute than allowed.',
    resolve: 'Retry after `Retry-After` seconds.',
    httpStatus: 429,
  },
  STRATEGY_LIVE_TRADES_CURSOR: {
    meaning: 'The `cursor` of a closed-trades page is not a `nextCursor` this API gave.',
    resolve: 'Pass the `nextCursor` of the previous page unchanged, or leave it out for the first page.',
    httpStatus: 400,
  },
  STRATEGY_LIVE_NOT_FOUND: {
    meaning: 'No live strategy run with this id exists for the user.',
    resolve: 'List the live strategies; a strategy runs live only after it was enabled.',
    httpStatus: 404,
  },
  STRATEGY_LIVE_PAUSED: {
    meaning: 'The live strategy is paused (it failed, went over a limit, or the kill switch stopped it).',
    resolve: 'Read the pause reason, fix the strategy or release the kill switch, and enable it again.',
    httpStatus: 409,
  },
  STRATEGY_LIVE_KILL_SWITCH: {
    meaning:
      "The portfolio's kill switch is engaged: its live runs stay paused, since every order they placed would be refused.",
    resolve: 'Release the kill switch (an admin releases the admin hand), then resume the run.',
    httpStatus: 409,
  },
  STRATEGY_LIVE_ADMIN_MALFORMED: {
    meaning:
      'A strategy process got an operations request (list or pause live strategies) it cannot read: the asking process runs another version.',
    resolve: 'Run the same Tickline version on the gateway, platform and strategy processes.',
    httpStatus: 400,
  },
  STRATEGY_LIVE_NOT_LOCAL: {
    meaning:
      'A force exit or a stop-entry reached a process that does not hold the run: they act on the run where it runs (another strategy process holds it).',
    resolve:
      'In the embedded default every run is local. Scaled, they are not yet forwarded to the strategy process holding the run: pause the run or engage the kill switch instead.',
    httpStatus: 409,
  },
  STRATEGY_OWNER_ONLY: {
    meaning:
      "Only a portfolio's owner may trade in it: place or cancel orders, change its risk limits, start, resume or stop its live runs. Admins may read it, pause its runs and engage or release their hand on its kill switch.",
    resolve: 'Ask the owner; as an admin, pause the run or engage the kill switch instead.',
    httpStatus: 403,
  },
  STRATEGY_HALT_ADMIN_ONLY: {
    meaning:
      "The kill switch over every portfolio, or over another account's or another user's portfolios on a venue, is an admin's: a user engages it over their own portfolios only.",
    resolve: 'Engage it over your own account or venue, or ask an operator.',
    httpStatus: 403,
  },
  STRATEGY_HALT_SCOPE_INVALID: {
    meaning: 'A kill switch over a venue names no venue.',
    resolve: 'Pass `venue` (`paper`, or the bound venue such as `binance`) with `scope: "venue"`.',
    httpStatus: 400,
  },
  STRATEGY_HALT_NOT_FOUND: {
    meaning: 'No kill switch halt with this id covers a portfolio the caller may read.',
    resolve: "Use the `haltId` an engagement answered, or list a portfolio's halts.",
    httpStatus: 404,
  },
  STRATEGY_PORTFOLIO_NOT_FOUND: {
    meaning: "The portfolio does not exist or is someone else's.",
    resolve: 'Use a portfolio id from the list of your portfolios.',
    httpStatus: 404,
  },
});
export type LiveErrorCode = keyof typeof LiveErrorCodes;

export const isLiveLimitError = errorGuard('STRATEGY_LIVE_LIMIT');
export const isLiveNotFoundError = errorGuard('STRATEGY_LIVE_NOT_FOUND');
