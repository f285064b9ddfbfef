/**
 * @module Benchmark input: real encoded envelopes of ~300 bytes over 64 partition keys. A pool of
 * payloads is encoded once and records get fresh ids as they are drawn, so the benchmark heap stays
 * small — a million live event objects would make the garbage collector, not the log, the subject.
 */
import { createEventSource, defineEvent, encodeEvent, uuidv7 } from '@tickline/kernel';
import type { AppendRecord } from '@tickline/eventlog';
import { z } from 'zod';

export const TARGET_EVENT_BYTES = 300;
const POOL_SIZE = 8_192;
const KEYS = 64;

const BenchMoved = defineEvent({
  type: 'game.player.moved',
  description: 'benchmark payload',
  schema: z.object({ x: z.number(), y: z.number(), pad: z.string() }),
});

/** Draws records with unique ids from a pool of pre-encoded payloads. */
export interface RecordSource {
  /** The next `count` records. */
  batch(count: number): AppendRecord[];
  /** Mean encoded event size in bytes. */
  readonly eventBytes: number;
}

export function createRecordSource(): RecordSource {
  const source = createEventSource({ source: 'zone/bench' });
  const probe = encodeEvent(
    source.create(BenchMoved, {
      subject: 'player-0000',
      partitionkey: 'zone-00',
      data: { x: 4_095.5, y: 2_047.75, pad: '' },
    }),
  );
  const pad = 'x'.repeat(Math.max(0, TARGET_EVENT_BYTES - probe.length));
  const pool = Array.from({ length: POOL_SIZE }, (_, i) => {
    const key = `zone-${String(i % KEYS).padStart(2, '0')}`;
    const event = source.create(BenchMoved, {
      subject: `player-${String(i % 1000).padStart(4, '0')}`,
      partitionkey: key,
      data: { x: i * 0.5, y: i * 0.25, pad },
    });
    return { key, type: event.type, payload: encodeEvent(event) };
  });
  let next = 0;
  return {
    eventBytes: pool.reduce((sum, p) => sum + p.payload.length, 0) / pool.length,
    batch(count) {
      const out: AppendRecord[] = new Array(count);
      for (let i = 0; i < count; i++) {
        const p = pool[next++ % POOL_SIZE]!;
        out[i] = { id: uuidv7(), key: p.key, type: p.type, payload: p.payload };
      }
      return out;
    },
  };
}
