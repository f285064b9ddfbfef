/**
 * @module A packed codec for the worker publisher's tests: an entry is `[tag][f64 n][key]` and
 * becomes a {@link TestMoved} event in the worker.
 */
import { createEventSource } from '@tickline/kernel';
import { TestMoved } from '../test-events.ts';
import { BatchBuffer } from './packed-batch.ts';
import type { PackedCodecReader, PackedLane } from './packed-codec.ts';

export const TEST_TAG = 16;

/** Publishes `{ n }` under `key` as one packed entry. */
export function publishPacked(lane: PackedLane, n: number, key: string): void {
  const buf = lane.reserve(1 + 8 + BatchBuffer.stringBound(key));
  const at = lane.offset;
  buf.bytes[at] = TEST_TAG;
  buf.view.setFloat64(at + 1, n, true);
  lane.commit(buf.writeString(at + 9, key));
}

const events = createEventSource({ source: 'test/packed' });

export const packedCodecs: PackedCodecReader[] = [
  {
    tag: TEST_TAG,
    read(buf: BatchBuffer, cursor: { at: number }) {
      const n = buf.view.getFloat64(cursor.at + 1, true);
      cursor.at += 9;
      const key = buf.readString(cursor);
      return events.create(TestMoved, { subject: `p${n % 7}`, partitionkey: key, data: { n, pad: '' } });
    },
  },
];
