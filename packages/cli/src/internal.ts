/** @module Everything public plus what tests of this and the composing package need. */
export * from './index.ts';
export { runRecorded, type RecordedRun } from './test-io.test-support.ts';
