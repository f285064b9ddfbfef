/** @module Everything public, plus what tests and sibling packages need. */
export * from './index.ts';
export { randomWalkOhlcv } from './indicators/random-walk.ts';
export type { OhlcvSeries } from './indicators/random-walk.ts';
export * from './sources/testing/index.ts';
