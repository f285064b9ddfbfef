import { describe, expect, it } from 'vitest';
import { encodeFrames, FRAME_HEADER_BYTES, parseFrames } from './journal-frame.ts';

const record = (n: number, time?: number) => ({
  id: `id-${n}-é`,
  key: `key-${n % 3}`,
  type: 'test.thing.happened',
  payload: Uint8Array.from({ length: n }, (_, i) => i & 0xff),
  ...(time === undefined ? {} : { time }),
});

describe('journal frame', () => {
  it('frames - round-trip records, including non-ASCII strings and a missing time', () => {
    const records = [record(0, 1_700_000_000_123), record(5), record(300, 42)];
    const parsed = parseFrames(encodeFrames(records));
    expect(parsed.stop).toBeUndefined();
    expect(parsed.records).toEqual(records);
  });

  it('frames - stop at max and report the bytes consumed', () => {
    const bytes = encodeFrames([record(1), record(2), record(3)]);
    const parsed = parseFrames(bytes, 2);
    expect(parsed.records).toHaveLength(2);
    expect(parseFrames(bytes.subarray(parsed.bytes)).records).toEqual([record(3)]);
  });

  it('frames - a cut frame is partial and says how many bytes it needs', () => {
    const bytes = encodeFrames([record(10), record(20)]);
    const parsed = parseFrames(bytes.subarray(0, bytes.length - 5));
    expect(parsed.records).toEqual([record(10)]);
    expect(parsed.stop).toEqual({ reason: 'partial', needBytes: bytes.length - parsed.bytes });
    expect(parseFrames(bytes.subarray(0, 3)).stop).toEqual({
      reason: 'partial',
      needBytes: FRAME_HEADER_BYTES,
    });
  });

  it('frames - a flipped byte or an absurd length is corruption', () => {
    const bytes = encodeFrames([record(10), record(20)]);
    bytes[bytes.length - 1]! ^= 1;
    expect(parseFrames(bytes)).toMatchObject({
      records: [record(10)],
      stop: { reason: 'corrupt', detail: 'checksum mismatch' },
    });
    const huge = Buffer.alloc(16);
    huge.writeUInt32LE(0xffffffff, 0);
    expect(parseFrames(huge).stop).toMatchObject({ reason: 'corrupt' });
  });
});
