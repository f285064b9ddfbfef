/**
 * @module The benchmark event: ~200 bytes of JSON data, `seq` and `ts` first so the load
 * generator finds them with one byte search. `ts` is the publish time in ms (high resolution,
 * wall-clock based, so comparable across processes on one machine).
 */
import { uuidv7 } from '@tickline/kernel';

export interface BenchEvent {
  id: string;
  type: string;
  data: { seq: number; ts: number; [field: string]: unknown };
}

/** Wall-clock milliseconds with sub-millisecond resolution. */
export const nowMs = (): number => performance.timeOrigin + performance.now();

export function makeEvent(seq: number): BenchEvent {
  return {
    id: uuidv7(),
    type: 'market.trade',
    data: {
      seq,
      ts: nowMs(),
      symbol: 'BTC-USD',
      venue: 'simulator',
      price: 64_123.45 + (seq % 100) / 100,
      size: 0.0123,
      side: seq % 2 === 0 ? 'buy' : 'sell',
      tradeId: `t-${seq.toString().padStart(10, '0')}`,
      note: 'fan-out benchmark trade event, padded to about two hundred bytes',
    },
  };
}
