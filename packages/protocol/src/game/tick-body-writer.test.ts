import { describe, expect, it } from 'vitest';
import { BODY_SHRINK_CHECK_RESETS, TickBodyWriter } from './tick-frame.ts';

const INITIAL = 1024;
const id = new TextEncoder().encode('player-0123456789abcdef-0123456789');

/** A tick body with `entered` players entering and `moved` moving. */
function tick(writer: TickBodyWriter, entered: number, moved: number): void {
  writer.reset();
  writer.section();
  writer.endSection();
  writer.section();
  for (let h = 0; h < entered; h++) writer.entered(h, h, h, id);
  writer.endSection();
  writer.section();
  for (let h = 0; h < moved; h++) writer.moved(h, h, h + 1);
  writer.endSection();
}

describe('TickBodyWriter capacity', () => {
  it('grows for a join burst and gives the room back once the zone only moves', () => {
    const writer = new TickBodyWriter(undefined, INITIAL);
    tick(writer, 2_000, 0);
    const burst = writer.bytes.length;
    expect(burst).toBeGreaterThan(64 * INITIAL);
    // The burst is in the first check's window; the second sees only moves.
    for (let i = 0; i < 2 * BODY_SHRINK_CHECK_RESETS; i++) tick(writer, 0, 100);
    expect(writer.bytes.length).toBeLessThanOrEqual(2 * INITIAL);
    // Still writes correctly after the shrink: the moved section of 100 players, 6 bytes each.
    const before = writer.length;
    tick(writer, 0, 100);
    expect(writer.length).toBe(before);
    expect(new DataView(writer.bytes.buffer, writer.bytes.byteOffset).getUint16(writer.length - 6, true)).toBe(99);
  });

  it('keeps its capacity while bursts keep coming within a check', () => {
    const writer = new TickBodyWriter(undefined, INITIAL);
    tick(writer, 2_000, 0);
    const burst = writer.bytes.length;
    for (let i = 0; i < 4 * BODY_SHRINK_CHECK_RESETS; i++) tick(writer, i % 2 === 0 ? 2_000 : 0, 100);
    expect(writer.bytes.length).toBe(burst);
  });
});
