/** @module Everything in index.ts, for tests and sibling packages that need a little more. */
export * from './index.ts';
