/** @module Everything public plus what tests and sibling packages need: the projection's pure parts. */
export * from './index.ts';
export { positionFacts, profileFacts, playerStateWrites, isNewer } from './projection/game-facts.ts';
export type { PositionFact, ProfileFact, PlayerStateWrite } from './projection/game-facts.ts';
