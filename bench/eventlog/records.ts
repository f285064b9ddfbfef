/** @module Benchmark input: real encoded envelopes of ~300 bytes, spread over partition keys. */
import { createEventSource, defineEvent, encodeEvent } from '@tickline/kernel';
import type { AppendRecord } from '@tickline/eventlog';
import { z } from 'zod';

export const TARGET_EVENT_BYTES = 300;

const BenchMoved = defineEvent({
  type: 'game.player.moved',
  description: 'benchmark payload',
  schema: z.object({ x: z.number(), y: z.number(), pad: z.string() }),
});

/** `count` append records whose payloads are encoded envelopes of ~300 bytes. */
export function makeRecords(count: number, keys = 64): AppendRecord[] {
  const source = createEventSource({ source: 'zone/bench' });
  const probe = encodeEvent(source.create(BenchMoved, { subject: 'player-0000', partitionkey: 'zone-00', data: { x: 499_999.5, y: 249_999.75, pad: '' } }));
  const pad = 'x'.repeat(Math.max(0, TARGET_EVENT_BYTES - probe.length));
  const records: AppendRecord[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const key = `zone-${String(i % keys).padStart(2, '0')}`;
    const event = source.create(BenchMoved, {
      subject: `player-${String(i % 1000).padStart(4, '0')}`,
      partitionkey: key,
      data: { x: i * 0.5, y: i * 0.25, pad },
    });
    records[i] = { id: event.id, key, type: event.type, payload: encodeEvent(event) };
  }
  return records;
}
