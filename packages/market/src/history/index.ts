/** @module Venue history downloads: the rate-limit-aware GET, the venues, the shared day store. */
export { createVenueGetJson, retryAfterMs, usageWaitMs } from './venue-get.ts';
export type { VenueGetOptions } from './venue-get.ts';
export {
  HISTORY_VENUES,
  isHistoryVenue,
  venueRestUrl,
  venueBarInterval,
  venueDaysPerFetch,
  venueRefusal,
  fetchVenueBars,
} from './venues.ts';
export type { HistoryVenue, VenueBarsRequest, VenueFetchOptions } from './venues.ts';
export { historyVenueAccounts, venueAccess } from './venue-accounts.ts';
export type { HistoryVenueAccounts, VenueAccess } from './venue-accounts.ts';
export { rollUpMinutes } from './roll-up.ts';
export type { RollUpOptions } from './roll-up.ts';
export { daysOf, coveredDays, storeVenueDay } from './coverage.ts';
