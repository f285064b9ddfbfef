import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage } from './codec.ts';
import { GAME_PROTOCOL_VERSION, MessageType } from './messages.ts';
import { encodeRoomFrameMessage } from './room-frame-message.ts';

// The codec's own msgpackr options: what every RoomFrame was encoded with before.
const reference = new Packr({
  useRecords: false,
  moreTypes: false,
  mapsAsObjects: true,
  variableMapSize: true,
});

describe('room frame message', () => {
  it('room frame message - the same bytes as msgpackr for every tick, ack and frame size', () => {
    const ints = [0, 1, 31, 32, 127, 128, 255, 256, 65_535, 65_536, 2 ** 32 - 1];
    const negatives = [-1, -32, -33, -128, -129, -32_768, -32_769, -(2 ** 31)];
    const sizes = [0, 1, 255, 256, 65_535, 65_536];
    for (const tick of ints)
      for (const ack of [...ints, ...negatives])
        for (const size of tick === 0 ? sizes : [0, 3]) {
          const frame = Uint8Array.from({ length: size }, (_, i) => i & 0xff);
          const bytes = encodeMessage({ type: MessageType.RoomFrame, tick, ack, frame });
          expect(
            Buffer.from(bytes).equals(
              reference.pack([GAME_PROTOCOL_VERSION, MessageType.RoomFrame, tick, ack, frame]),
            ),
          ).toBe(true);
          expect(decodeMessage(bytes, { maxBytes: Infinity })).toEqual({
            type: MessageType.RoomFrame,
            tick,
            ack,
            frame,
          });
        }
  });

  it('room frame message - ticks and acks past 32 bits go to msgpackr', () => {
    expect(encodeRoomFrameMessage(2 ** 32, 0, new Uint8Array(0))).toBeUndefined();
    expect(encodeRoomFrameMessage(1, -(2 ** 31) - 1, new Uint8Array(0))).toBeUndefined();
    const bytes = encodeMessage({
      type: MessageType.RoomFrame,
      tick: 2 ** 40,
      ack: -1,
      frame: new Uint8Array(0),
    });
    expect(decodeMessage(bytes)).toMatchObject({ tick: 2 ** 40, ack: -1 });
  });
});
