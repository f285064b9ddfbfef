/** @module Everything public, plus what tests and sibling packages need. */
export * from './index.ts';
export { ManualScheduler } from './loop/scheduler.ts';
