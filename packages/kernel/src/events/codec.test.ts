import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ManualClock } from '../clock/clock.ts';
import { withCorrelation } from '../context/correlation.ts';
import {
  isEventInvalidError,
  isEventMalformedError,
  isEventUnknownTypeError,
  isEventVersionUnsupportedError,
} from '../errors/index.ts';
import { decodeEvent, encodeEvent } from './codec.ts';
import { createEventSource } from './event-source.ts';
import { EventRegistry, defineEvent } from './registry.ts';

const PlayerMoved = defineEvent({
  type: 'game.player.moved',
  description: 'A player moved.',
  schema: z.object({ x: z.number(), y: z.number() }),
});
const registry = new EventRegistry([PlayerMoved]);
const zone = () => createEventSource({ source: 'zone/zone-1', clock: new ManualClock(1_700_000_000_000) });

describe('events - codec', () => {
  it('round-trips an envelope with a leading version byte', () => {
    const event = zone().create(PlayerMoved, { subject: 'p1', partitionkey: 'zone-1', data: { x: 1, y: 2 } });
    const bytes = encodeEvent(event);
    expect(bytes[0]).toBe(1);
    expect(decodeEvent(bytes, { registry })).toEqual(event);
  });

  it('event time - each event carries its own millisecond, formatted once per millisecond', () => {
    const clock = new ManualClock(1_700_000_000_000);
    const source = createEventSource({ source: 'zone/zone-1', clock });
    const a = source.create(PlayerMoved, { subject: 'p1', data: { x: 0, y: 0 } });
    const b = source.create(PlayerMoved, { subject: 'p1', data: { x: 1, y: 0 } });
    clock.advance(1);
    const c = source.create(PlayerMoved, { subject: 'p1', data: { x: 2, y: 0 } });
    expect([a.time, b.time, c.time]).toEqual([
      '2023-11-14T22:13:20.000Z',
      '2023-11-14T22:13:20.000Z',
      '2023-11-14T22:13:20.001Z',
    ]);
  });

  it('assigns seq per source, CloudEvents attributes and the correlation context', () => {
    const source = zone();
    const first = source.create(PlayerMoved, { subject: 'p1', data: { x: 0, y: 0 } });
    const second = withCorrelation({ correlationId: 'req-1', causationId: 'cmd-9' }, () =>
      source.create(PlayerMoved, { subject: 'p1', data: { x: 1, y: 0 } }),
    );
    expect([first.seq, second.seq]).toEqual([1, 2]);
    expect(first).toMatchObject({
      type: 'game.player.moved',
      source: 'zone/zone-1',
      partitionkey: 'p1',
      specversion: '1.0',
      dataschema: 'urn:tickline:schemas:game.player.moved:1',
      time: '2023-11-14T22:13:20.000Z',
    });
    expect(first.correlationid).toBeUndefined();
    expect(second).toMatchObject({ correlationid: 'req-1', causationid: 'cmd-9' });
  });

  it('rejects an unknown version byte', () => {
    const bytes = encodeEvent(zone().create(PlayerMoved, { subject: 'p', data: { x: 0, y: 0 } }));
    bytes[0] = 9;
    expect(() => decodeEvent(bytes)).toThrow(
      expect.objectContaining({ code: 'KERNEL_EVENT_VERSION_UNSUPPORTED' }),
    );
    try {
      decodeEvent(bytes);
    } catch (error) {
      expect(isEventVersionUnsupportedError(error)).toBe(true);
    }
  });

  it('rejects truncated MessagePack and garbage as malformed', () => {
    const bytes = encodeEvent(zone().create(PlayerMoved, { subject: 'p', data: { x: 0, y: 0 } }));
    for (const bad of [
      bytes.subarray(0, bytes.length - 7),
      Uint8Array.of(1, 0xc1, 0xff),
      Uint8Array.of(1, 0x05),
      Uint8Array.of(1),
    ]) {
      let caught: unknown;
      try {
        decodeEvent(bad);
      } catch (error) {
        caught = error;
      }
      expect(isEventMalformedError(caught)).toBe(true);
    }
  });

  it('rejects unknown types and invalid data when given a registry', () => {
    const other = defineEvent({ type: 'nobody.knows', description: '', schema: z.object({}) });
    const unknown = encodeEvent(zone().create(other, { subject: 's', data: {} }));
    expect(() => decodeEvent(unknown, { registry })).toThrow(
      expect.objectContaining({ code: 'KERNEL_EVENT_UNKNOWN_TYPE' }),
    );
    expect(decodeEvent(unknown).type).toBe('nobody.knows');

    const invalid = encodeEvent(zone().create(PlayerMoved, { subject: 's', data: { x: 'far' } as never }));
    let caught: unknown;
    try {
      decodeEvent(invalid, { registry });
    } catch (error) {
      caught = error;
    }
    expect(isEventInvalidError(caught)).toBe(true);
    expect(isEventUnknownTypeError(caught)).toBe(false);
    expect((caught as { details: { issues: unknown[] } }).details.issues).toEqual([
      expect.objectContaining({ path: 'x' }),
      expect.objectContaining({ path: 'y' }),
    ]);
  });
});
