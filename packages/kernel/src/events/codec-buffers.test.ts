/**
 * `encodeEvent` packs into msgpackr's buffer, which every Packr of the process shares, and hands
 * it back for the next value: the bytes it returns must be the caller's own, and no other
 * packer's value may be written over.
 */
import { Packr } from 'msgpackr';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { ManualClock } from '../clock/clock.ts';
import { decodeEvent, encodeEvent } from './codec.ts';
import { createEventSource } from './event-source.ts';
import { defineEvent } from './registry.ts';

const Note = defineEvent({
  type: 'test.note',
  description: 'A note of any length.',
  schema: z.object({ text: z.string() }),
});
const source = createEventSource({ source: 'test/codec', clock: new ManualClock(1_700_000_000_000) });
const note = (text: string) => source.create(Note, { subject: 's', data: { text } });

afterEach(() => {
  vi.restoreAllMocks();
});

describe('events - codec buffers', () => {
  it('two encodes in a row do not alias: the first bytes are unchanged after the second', () => {
    const first = note('a'.repeat(40));
    const firstBytes = encodeEvent(first);
    const copy = Buffer.from(firstBytes);
    // Longer, so it covers every byte the first one was packed in.
    const second = note('b'.repeat(400));
    const secondBytes = encodeEvent(second);
    expect(firstBytes).toEqual(copy);
    expect(decodeEvent(firstBytes)).toEqual(first);
    expect(decodeEvent(secondBytes)).toEqual(second);
  });

  it('a value another Packr packed is not written over by later events', () => {
    const other = new Packr();
    encodeEvent(note('e')); // so the other packs right after an event, where the next one goes
    const value = { frame: 'c'.repeat(300), n: 7 };
    const packed = other.pack(value); // a view into the shared buffer, as a caller may keep it
    const copy = Buffer.from(packed);
    for (let i = 0; i < 50; i++) encodeEvent(note('d'.repeat(i * 20)));
    expect(packed).toEqual(copy);
    expect(other.unpack(packed)).toEqual(value);
  });

  it('encoding allocates no packing buffer per event', () => {
    const slow = vi.spyOn(Buffer, 'allocUnsafeSlow');
    const events = Array.from({ length: 2_000 }, (_, i) => note(`note ${i} `.repeat(20)));
    const encoded = events.map((event) => encodeEvent(event));
    // ~300 KB of events: msgpackr moved on to a fresh 8 KB buffer ~40 times before.
    expect(slow.mock.calls.length).toBeLessThanOrEqual(1);
    expect(encoded.map((bytes) => decodeEvent(bytes))).toEqual(events);
  });
});
