/** @module Sample events and helpers shared by the publisher and consumer tests (not shipped API). */
import { z } from 'zod';
import {
  createEventSource,
  decodeEvent,
  defineEvent,
  EventRegistry,
  silentLogger,
  type EventEnvelope,
  type ServiceContext,
} from '@tickline/kernel';
import type { EventLog, LogRecord } from '../port/event-log.ts';

export const TestMoved = defineEvent({
  type: 'test.player.moved',
  description: 'A test player moved (test fixture).',
  schema: z.object({ n: z.number().int(), pad: z.string() }),
});

/** A registry that knows only {@link TestMoved}. */
export function testRegistry(): EventRegistry {
  return new EventRegistry([TestMoved]);
}

/** Options for {@link makeEvents}. */
export interface MakeEventsOptions {
  /** Partition keys, assigned round-robin. @default ['k1'] */
  keys?: string[];
  /** Characters of padding in `data.pad`, to reach a realistic size. @default 0 */
  padChars?: number;
  /** First `data.n`. @default 0 */
  from?: number;
}

/** `count` events numbered `from…`, with increasing seq and unique ids. */
export function makeEvents(
  count: number,
  options: MakeEventsOptions = {},
): EventEnvelope<{ n: number; pad: string }>[] {
  const keys = options.keys ?? ['k1'];
  const pad = 'x'.repeat(options.padChars ?? 0);
  const source = createEventSource({ source: 'test/publisher', lastSeq: options.from ?? 0 });
  const from = options.from ?? 0;
  return Array.from({ length: count }, (_, i) =>
    source.create(TestMoved, {
      subject: `p${i % 7}`,
      partitionkey: keys[i % keys.length]!,
      data: { n: from + i, pad },
    }),
  );
}

/** A service context whose `fail` records the failure instead of crashing the test process. */
export function testContext(): ServiceContext & { failures: unknown[] } {
  const failures: unknown[] = [];
  return { logger: silentLogger, fail: (error) => failures.push(error), failures };
}

/** Every record in `log`, in offset order. */
export async function readAll(log: EventLog): Promise<LogRecord[]> {
  const out: LogRecord[] = [];
  for (let from = 1; ;) {
    const page = await log.read({ from, limit: 10_000 });
    out.push(...page);
    if (page.length < 10_000) return out;
    from = page[page.length - 1]!.offset + 1;
  }
}

/** `data.n` of each record, decoded. */
export function numbers(records: readonly LogRecord[]): number[] {
  return records.map((r) => (decodeEvent(r.payload).data as { n: number }).n);
}
