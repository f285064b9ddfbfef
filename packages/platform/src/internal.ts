/** @module Everything public plus what tests and sibling packages need: the projection's pure parts. */
export * from './index.ts';
export { positionFacts, profileFacts, playerStateWrites, isNewer } from './projection/game-facts.ts';
export { ratesOf } from './streams/stream-overview.ts';
export { gameStream, batches, PLAYERS, STREAM_START_MS } from './projection/testing/game-stream.ts';
export type { PositionFact, ProfileFact, PlayerStateWrite } from './projection/game-facts.ts';
export { createFakeZones } from './testing/fake-zones.ts';
export type { FakeZones } from './testing/fake-zones.ts';
