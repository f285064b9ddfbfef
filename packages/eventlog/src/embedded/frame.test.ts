import { describe, expect, it } from 'vitest';
import {
  FRAME_BAD,
  FRAME_SHORT,
  checkFrame,
  decodeFrame,
  frameUpperBound,
  invalidRecordReason,
  writeFrame,
} from './frame.ts';
import { MAX_PAYLOAD_BYTES } from './options.ts';

const record = {
  id: 'ид-1',
  key: 'zone/zone-1 ✓',
  type: 'game.player.moved',
  payload: Uint8Array.from([1, 2, 3]),
};

describe('frame', () => {
  it('frame - round-trips every field, offsets past 2^32 included', () => {
    const buf = Buffer.alloc(frameUpperBound(record));
    const end = writeFrame(buf, 0, 2 ** 40 + 5, 1_700_000_000_123.5, record);
    expect(checkFrame(buf, 0, end)).toBe(end);
    expect(decodeFrame(buf, 0, end)).toEqual({
      offset: 2 ** 40 + 5,
      id: record.id,
      key: record.key,
      type: record.type,
      time: 1_700_000_000_123.5,
      payload: Buffer.from([1, 2, 3]),
    });
  });

  it('frame - a cut frame is short, a changed byte is bad', () => {
    const buf = Buffer.alloc(frameUpperBound(record));
    const end = writeFrame(buf, 0, 1, 0, record);
    expect(checkFrame(buf, 0, end - 1)).toBe(FRAME_SHORT);
    expect(checkFrame(buf, 0, 4)).toBe(FRAME_SHORT);
    for (const at of [4, 8, 20, end - 1]) {
      const copy = Buffer.from(buf.subarray(0, end));
      copy[at]! ^= 0x40;
      expect(checkFrame(copy, 0, end)).toBe(FRAME_BAD);
    }
    expect(checkFrame(Buffer.alloc(64), 0, 64)).toBe(FRAME_BAD);
  });

  it('frame - rejects records it cannot store', () => {
    expect(invalidRecordReason(record)).toBeUndefined();
    expect(invalidRecordReason({ ...record, id: '' })).toMatch(/id/);
    expect(invalidRecordReason({ ...record, key: 'k'.repeat(70_000) })).toMatch(/65535/);
    expect(invalidRecordReason({ ...record, payload: new Uint8Array(MAX_PAYLOAD_BYTES + 1) })).toMatch(
      /payload/,
    );
    expect(invalidRecordReason({ ...record, time: Number.NaN })).toMatch(/time/);
  });
});
