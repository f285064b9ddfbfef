/** @module Venue history downloads: the rate-limit-aware GET, the venues, the shared day store. */
export { createVenueGetJson, retryAfterMs, usageWaitMs } from './venue-get.ts';
export type { VenueGetOptions } from './venue-get.ts';
export { HISTORY_VENUES, isHistoryVenue, venueRestUrl, fetchVenueMinutes } from './venues.ts';
export type { HistoryVenue } from './venues.ts';
export { rollUpMinutes } from './roll-up.ts';
export type { RollUpOptions } from './roll-up.ts';
export { daysOf, coveredDays, storeVenueDay } from './coverage.ts';
