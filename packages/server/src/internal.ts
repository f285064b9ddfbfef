/** @module Everything public plus what tests and sibling packages need. */
export * from './index.ts';
export { mapError } from './http/error-handler.ts';
export { requestIdFrom, REQUEST_ID_HEADER } from './http/request-id.ts';
export { openEventLog, eventLogLocation, LogKind } from './wiring/event-logs.ts';
