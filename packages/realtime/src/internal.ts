/** @module Internals for tests and sibling packages: framing, history, resume planning, connections. */
export * from './index.ts';
export { encodeWsTextFrame, encodeHttpChunk, sseFrame, SSE_KEEP_ALIVE } from './hub/frames.ts';
export { HubMessage } from './hub/hub-message.ts';
export { ChannelHistory } from './hub/channel-history.ts';
export { planResume } from './hub/resume.ts';
export { Connection } from './connection/connection.ts';
export { createGatewayCounters } from './connection/counters.ts';
export { parseClientMessage, ClientMessage as ClientMessageSchema } from './protocol/client-messages.ts';
export { parseStreamRequest, normalizeLastEventId } from './sse/sse-request.ts';
export { encodeBridgeRecord, decodeBridgeRecord } from './bridge/bridge-record.ts';
export type { ByteSink, ConnectionHost, CloseReason } from './connection/connection.ts';
export type { TransportCounters, GatewayCounters } from './connection/counters.ts';
