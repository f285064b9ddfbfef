/** @module Internals for tests and benchmarks: everything public plus test support. */
export * from './index.ts';
export { Engine } from './core/engine.ts';
export { evaluateTrustedStrategy } from './sandbox/host-module.ts';
export { isolateBundle, MARKET_INDICATOR_FILES } from './sandbox/isolate-bundle.ts';
export { feedFromRows, randomWalkFeed } from './core/candles.test-support.ts';
export { migrateWithStrategy } from './versions/repository-cases.test-support.ts';
export { grademarkBars, runGrademarkSmaCross } from './examples/grademark-sma-cross.test-support.ts';
