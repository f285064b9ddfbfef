/**
 * @module Load for scripts outside the package (`npm run chaos`, `npm run soak`): the outage
 * tests' bot fleet and the stream clients, under one export (`@tickline/server/testing/load`).
 */
export { openEventSource, signUpAndIn, streamTicket, type StreamClient } from './api-clients.ts';
export { startOutageFleet, type OutageFleet } from '../game/testing/outage-fleet.ts';
