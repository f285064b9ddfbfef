import { describe, expect, it } from 'vitest';
import { encodeMessage, decodeMessage } from './codec.ts';
import { encodeFrame, FrameDecoder } from './framing.ts';
import { MessageType } from './messages.ts';

const payloads = [
  encodeMessage({ type: MessageType.Move, seq: 1, tick: 2, x: 3, y: 4 }),
  new Uint8Array(0),
  encodeMessage({ type: MessageType.Hello, token: 'token-123' }),
];
const stream = Buffer.concat(payloads.map((p) => encodeFrame(p)));

describe('protocol framing - 4-byte length prefix', () => {
  it('framing - a coalesced stream yields every frame in order', () => {
    const frames = new FrameDecoder().push(stream);
    expect(frames.map((f) => [...f])).toEqual(payloads.map((p) => [...p]));
    expect(decodeMessage(frames[0]!)).toMatchObject({ type: MessageType.Move, seq: 1 });
  });

  it('framing - splitting the stream into two chunks at every byte boundary gives the same frames', () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      const decoder = new FrameDecoder();
      const frames = [...decoder.push(stream.subarray(0, cut)), ...decoder.push(stream.subarray(cut))];
      expect(
        frames.map((f) => [...f]),
        `cut at ${cut}`,
      ).toEqual(payloads.map((p) => [...p]));
      expect(decoder.pending).toBe(0);
    }
  });

  it('framing - one byte at a time gives the same frames', () => {
    const decoder = new FrameDecoder();
    const frames = [...stream].flatMap((b) => decoder.push(Uint8Array.of(b)));
    expect(frames.map((f) => [...f])).toEqual(payloads.map((p) => [...p]));
  });

  it('oversized - a header announcing more than the maximum fails before the body arrives', () => {
    const decoder = new FrameDecoder(16);
    const header = Buffer.alloc(4);
    header.writeUInt32BE(17);
    expect(() => decoder.push(header)).toThrow(expect.objectContaining({ code: 'GAME_PROTOCOL_TOO_LARGE' }));
  });

  it('framing - a frame does not alias the caller’s chunk', () => {
    const chunk = Buffer.from(encodeFrame(Uint8Array.of(1, 2, 3)));
    const [frame] = new FrameDecoder().push(chunk);
    chunk.fill(0);
    expect([...frame!]).toEqual([1, 2, 3]);
  });
});
