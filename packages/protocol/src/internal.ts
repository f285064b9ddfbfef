/** @module Everything public, plus what tests and sibling packages need. */
export * from './index.ts';
export { LAYOUTS, MAX_MESSAGE_ARRAY } from './game/layouts.ts';
export { readMessage } from './game/strict-decoder.ts';
