/** @module Everything public, plus what tests and sibling packages need. */
export * from './index.ts';
export { ManualScheduler } from './loop/scheduler.ts';
export { replayZoneEvents, DEFAULT_REPLAY_BATCH } from './recovery/replay-log.ts';
export { LogPositionTracker } from './snapshots/log-position.ts';
export { TestGameClient } from './transport/test-client.ts';
export type { ClientEnd } from './transport/test-client.ts';
export { ZoneDelivery } from './session/tick-delivery.ts';
export { TickEncoder } from './protocol/tick-encoder.ts';
// What a rules room sends a player a step (bench/game/arena-rules-bytes.ts counts it).
export { roomFrameMessages } from './rooms/room-frame-messages.ts';
export { deriveJoinTokenSecret } from './module/game-coordinator.ts';
// A gateway's room desk over request/reply, and a process's, for the SDK's re-queue test.
export { localRoomDesk } from './module/room-desk.ts';
export { createRoomDeskResponder, remoteRoomDesk } from './remote/room-desk-rpc.ts';
// Connect Four's board rule, for bench:game's Colyseus room of the same game (one rule, two APIs).
export { COLUMNS as CONNECT_FOUR_COLUMNS, ROWS as CONNECT_FOUR_ROWS, winsAt as connectFourWinsAt } from './games/connect-four/connect-four.ts';
