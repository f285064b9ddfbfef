/**
 * @module The RoomFrame messages a player is sent for one step: the rule the session layer
 * (room-sessions.ts) delivers by and a replay (room-replay.ts) reproduces message for message.
 * A frame of at least {@link SPLIT_FRAME_BYTES} to a player with an ack goes as two messages: the
 * frame with no ack — the very bytes every player sent that frame without an ack gets, encoded
 * and framed once for all of them — then the ack with an empty frame (the protocol's "only the
 * ack changed"). In a crowd that sees the whole room, half the players have an ack each tick:
 * one message each would copy the room's whole frame once per player (12 KB a tick at 1,000).
 */
import { MessageType, type RoomFrameMessage } from '@tickline/protocol';

/** Frames this large are not copied into a per-player message for its ack (a small one is cheaper whole). */
export const SPLIT_FRAME_BYTES = 512;

/** The frame of a message that carries only an ack (the protocol's "only the ack changed"). */
export const EMPTY_FRAME = new Uint8Array(0);

/** The messages for `frame` (undefined: nothing changed) and `ack` (-1: none), in order; none when both are absent. */
export function roomFrameMessages(
  tick: number,
  ack: number,
  frame: Uint8Array | undefined,
): RoomFrameMessage[] {
  if (frame === undefined) return ack < 0 ? [] : [roomFrameMessage(tick, ack, EMPTY_FRAME)];
  if (ack < 0 || frame.length < SPLIT_FRAME_BYTES) return [roomFrameMessage(tick, ack, frame)];
  return [roomFrameMessage(tick, -1, frame), roomFrameMessage(tick, ack, EMPTY_FRAME)];
}

/** One RoomFrame message (`ack` -1: none; `frame` {@link EMPTY_FRAME}: only the ack). */
export function roomFrameMessage(tick: number, ack: number, frame: Uint8Array): RoomFrameMessage {
  return { type: MessageType.RoomFrame, tick, ack, frame };
}
