import { PerformanceObserver } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { decodeEvent, encodeEvent, EventRegistry, ManualClock } from '@tickline/kernel';
import { CandleAggregator } from '../candles/aggregator.ts';
import { MARKET_EVENTS, MarketTrade } from '../candles/events.ts';
import { LatestStore } from '../latest/latest-store.ts';
import { createTradeValidator } from '../normalize/trade-validator.ts';
import type { Trade } from '../port/market-message.ts';
import { SourceIngest } from './source-ingest.ts';
import { packTrade, tradeCodec, type PackedBytes, type PackedLane } from './trade-packing.ts';

const T0 = Date.UTC(2026, 0, 5);
const TRADES = 1_000_000;

/** A lane over one reused buffer (eventlog's batch buffer has the same shape). */
class TestLane implements PackedLane {
  readonly bytes = Buffer.alloc(64 * 1024);
  readonly view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
  readonly buf: PackedBytes = {
    view: this.view,
    bytes: this.bytes,
    writeString: (offset, value) => {
      const length = this.bytes.write(value, offset + 2, 'utf8');
      this.view.setUint16(offset, length, true);
      return offset + 2 + length;
    },
    readString: (cursor) => {
      const length = this.view.getUint16(cursor.at, true);
      const text = this.bytes.toString('utf8', cursor.at + 2, cursor.at + 2 + length);
      cursor.at += 2 + length;
      return text;
    },
  };
  offset = 0;
  entries: number[] = [];
  readonly keep: boolean;
  /** Keep entry offsets (for reading back), or reuse the buffer from the start when full. */
  constructor(keep = true) {
    this.keep = keep;
  }

  reserve(maxBytes: number): PackedBytes {
    if (this.offset + maxBytes > this.bytes.length) {
      if (this.keep) throw new Error('test lane full');
      this.offset = 0;
    }
    return this.buf;
  }

  commit(end: number): void {
    if (this.keep) this.entries.push(this.offset);
    this.offset = end;
  }
}

function trade(i: number, extra: Partial<Trade> = {}): Trade {
  return {
    exchange: 'simulator',
    symbol: ['BTC-USDT', 'ETH-USDT', 'SOL-USDT'][i % 3]!,
    tradeId: String(1_000 + i),
    price: 100 + (i % 50) / 8,
    size: 0.5 + (i % 7),
    side: i % 2 === 0 ? 'buy' : 'sell',
    exchangeTime: T0 + i,
    receivedAt: T0 + i + 3,
    ...extra,
  };
}

describe('trade packing', () => {
  const registry = new EventRegistry(MARKET_EVENTS);

  it('codec - a packed trade reads back as the market.trade event the collector would build', () => {
    const lane = new TestLane();
    const trades = [trade(0), trade(1, { seq: 42, tradeId: 'ü-7' }), trade(2, { side: 'unknown' })];
    for (const t of trades) packTrade(lane, 'sim-1', t, T0 + 500);
    lane.entries.forEach((at, i) => {
      const event = tradeCodec.read(lane.buf, { at });
      expect(event).toMatchObject({
        type: 'market.trade',
        source: 'collector/sim-1',
        subject: trades[i]!.symbol,
        partitionkey: trades[i]!.symbol,
        time: new Date(T0 + 500).toISOString(),
        dataschema: MarketTrade.dataschema,
      });
      expect(event.data).toStrictEqual(trades[i]);
    });
  });

  it('codec - the record written without the encoder decodes equal to encodeEvent of that event', () => {
    const lane = new TestLane();
    const trades = [trade(0), trade(1, { seq: 42, tradeId: 'ü-7' }), trade(5, { exchange: 'binance' })];
    for (const t of trades) {
      packTrade(lane, 'sim-1', t, T0 + 500);
      packTrade(lane, 'csv', t, T0 + 501);
    }
    lane.entries.forEach((at) => {
      const record = tradeCodec.readRecord(lane.buf, { at });
      const direct = decodeEvent(record.payload, { registry });
      const event = tradeCodec.read(lane.buf, { at });
      // Ids are fresh per call and each side counts its own seq: take those from the record.
      const expected = decodeEvent(encodeEvent({ ...event, id: direct.id, seq: direct.seq }), { registry });
      expect(direct).toStrictEqual(expected);
      expect(record).toMatchObject({
        id: direct.id,
        key: event.subject,
        type: 'market.trade',
        time: T0 + 500 + (direct.source === 'collector/csv' ? 1 : 0),
      });
    });
  });

  it('hot path - trades through validation, latest store, candles and the lane leave nothing for the GC', async () => {
    const lane = new TestLane(false);
    const clock = new ManualClock(T0);
    const ingest = new SourceIngest({
      source: 'sim',
      publish: () => undefined,
      lane,
      validator: createTradeValidator({ maxPastMs: Number.POSITIVE_INFINITY }),
      aggregator: new CandleAggregator({ emitUpdates: false }),
      intervals: ['1s', '1m', '5m', '15m', '1h', '1d'],
      clock,
      latest: new LatestStore({ clock }),
    });
    // One message per symbol, its trade moved forward in place: the loop itself allocates nothing,
    // so whatever the GC finds was allocated by the hot path.
    const messages = [0, 1, 2].map((i) => ({ kind: 'trade' as const, trade: trade(i) }));
    const run = (from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const t = messages[i % 3]!.trade as { -readonly [K in keyof Trade]: Trade[K] };
        t.exchangeTime = T0 + Math.floor(i / 10);
        t.receivedAt = t.exchangeTime + 3;
        t.price = 100 + (i % 50) / 8;
        ingest.onMessage(messages[i % 3]!);
      }
    };
    run(0, 10_000); // warm up the JIT
    let collections = 0;
    const observer = new PerformanceObserver((list) => (collections += list.getEntries().length));
    observer.observe({ entryTypes: ['gc'] });
    run(10_000, TRADES);
    await new Promise((resolve) => setTimeout(resolve, 50));
    collections += observer.takeRecords().length;
    observer.disconnect();
    expect(ingest.stats.trades).toBe(TRADES);
    // Candle closes allocate (a few hundred in this run: ~4 collections); building and encoding an
    // event per trade, as the collector did before the lane, makes ~60.
    expect(collections).toBeLessThanOrEqual(10);
  });
});
