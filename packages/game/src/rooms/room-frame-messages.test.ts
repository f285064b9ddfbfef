/** The RoomFrame messages of one step for one player, as delivered live and reproduced by a replay. */
import { MessageType } from '@tickline/protocol';
import { describe, expect, it } from 'vitest';
import { roomFrameMessages, SPLIT_FRAME_BYTES } from './room-frame-messages.ts';

const EMPTY = new Uint8Array(0);

describe('room frame messages', () => {
  it('nothing, an ack alone, a frame alone, a small frame with its ack: one message or none', () => {
    const small = new Uint8Array(SPLIT_FRAME_BYTES - 1);
    expect(roomFrameMessages(7, -1, undefined)).toEqual([]);
    expect(roomFrameMessages(7, 3, undefined)).toEqual([{ type: MessageType.RoomFrame, tick: 7, ack: 3, frame: EMPTY }]);
    expect(roomFrameMessages(7, -1, small)).toEqual([{ type: MessageType.RoomFrame, tick: 7, ack: -1, frame: small }]);
    expect(roomFrameMessages(7, 3, small)).toEqual([{ type: MessageType.RoomFrame, tick: 7, ack: 3, frame: small }]);
  });

  it('a large frame with an ack: the frame as everyone without an ack gets it, then the ack alone', () => {
    const large = new Uint8Array(SPLIT_FRAME_BYTES);
    const [frame, ack] = roomFrameMessages(7, 3, large);
    expect(frame).toEqual(roomFrameMessages(7, -1, large)[0]);
    expect(frame!.frame).toBe(large);
    expect(ack).toEqual({ type: MessageType.RoomFrame, tick: 7, ack: 3, frame: EMPTY });
  });
});
