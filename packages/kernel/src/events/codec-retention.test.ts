/**
 * What a decoded event's attributes keep alive. The consumers' dedupe windows keep 100,000 ids
 * each and the hub keeps minutes of history: an id must cost its own characters, not the record
 * it was decoded from.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ManualClock } from '../clock/clock.ts';
import { decodeEvent, encodeEvent } from './codec.ts';
import { createEventSource } from './event-source.ts';
import { defineEvent } from './registry.ts';

const Trade = defineEvent({
  type: 'market.trade',
  description: 'A trade.',
  schema: z.object({ exchange: z.string(), symbol: z.string(), price: z.string(), tradeId: z.string() }),
});

// The test runner does not start Node with --expose-gc; the flag can be set from inside.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

describe('events - codec retention', () => {
  it('retention - ids kept after decoding do not pin their records (bytes per kept id)', () => {
    const source = createEventSource({ source: 'collector/simulator', clock: new ManualClock(1_790_000_000_000) });
    const records = Array.from({ length: 20_000 }, (_, i) =>
      encodeEvent(
        source.create(Trade, {
          subject: 'BTC-USDT',
          partitionkey: 'BTC-USDT',
          data: { exchange: 'simulator', symbol: 'BTC-USDT', price: `59995.${i}`, tradeId: `simulator-trade-${i}` },
        }),
      ),
    );
    expect(records[0]!.length).toBeGreaterThan(250);
    const before = heapAfterGc();
    const kept: string[] = records.map((bytes) => decodeEvent(bytes).id);
    const bytesPerId = (heapAfterGc() - before) / kept.length;
    expect(kept).toHaveLength(20_000);
    // A 36-character id with its header and the array slot is well under 100 bytes; pinning the
    // record's extracted strings cost ~400.
    expect(bytesPerId).toBeLessThan(150);
  });
});
