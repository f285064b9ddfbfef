import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Trade } from '../port/market-message.ts';
import { CsvReplaySource } from '../sources/csv/source.ts';
import { CandleAggregator, type CandleOutput } from './aggregator.ts';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const T0 = Date.UTC(2024, 2, 15, 0, 0, 0);

let nextId = 0;
function trade(at: number, price: number, size = 1, symbol = 'BTC-USDT'): Trade {
  return {
    exchange: 'test',
    symbol,
    tradeId: String(++nextId),
    price,
    size,
    side: 'buy',
    exchangeTime: at,
    receivedAt: at,
  };
}

const closed = (outs: readonly CandleOutput[]) => outs.filter((o) => o.type === 'closed');

describe('CandleAggregator', () => {
  it('venue klines - the recorded-format tape aggregates to its 1m klines', async () => {
    // Given the tape replayed through the CSV source, and the klines computed by generate.py
    const source = new CsvReplaySource({
      files: [fixture('btcusdt-trades-2024-03-15.csv')],
      exchange: 'binance',
      symbol: 'btcusdt',
    });
    const agg = new CandleAggregator({ intervals: ['1m'], graceMs: 0 });
    const outs: CandleOutput[] = [];
    // When every trade goes through the aggregator and time passes the last minute
    let last = 0;
    for await (const m of source.messages()) {
      if (m.kind !== 'trade') continue;
      outs.push(...agg.onTrade(m.trade));
      last = m.trade.exchangeTime;
    }
    outs.push(...agg.advance(Math.ceil((last + 1) / 60_000) * 60_000));
    expect(source.badRows).toBe(0);
    // Then each closed candle equals the kline for its minute
    const lines = readFileSync(fixture('btcusdt-1m-klines-2024-03-15.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1);
    const candles = closed(outs).map((o) => o.candle);
    expect(candles).toHaveLength(lines.length);
    lines.forEach((line, i) => {
      const [openTime, open, high, low, close, volume, closeTime, quoteVolume, count] = line
        .split(',')
        .map(Number);
      const c = candles[i]!;
      expect(c.symbol).toBe('BTC-USDT');
      expect(c.openTime).toBe(openTime);
      expect(c.closeTime - 1).toBe(closeTime);
      expect([c.open, c.high, c.low, c.close]).toEqual([open, high, low, close]);
      expect(c.volume).toBeCloseTo(volume!, 8);
      expect(c.quoteVolume).toBeCloseTo(quoteVolume!, 6);
      expect(c.trades).toBe(count);
      expect(c.incomplete).toBe(false);
    });
  });

  it('forming candle - each trade emits updated; a trade in the next bucket closes the previous one', () => {
    const agg = new CandleAggregator({ intervals: ['1m'] });
    expect(agg.onTrade(trade(T0 + 1_000, 100))).toMatchObject([
      { type: 'updated', candle: { open: 100, trades: 1 } },
    ]);
    agg.onTrade(trade(T0 + 2_000, 105, 2));
    const outs = agg.onTrade(trade(T0 + 61_000, 99));
    expect(outs.map((o) => o.type)).toEqual(['closed', 'updated']);
    expect(outs[0]!.candle).toMatchObject({
      openTime: T0,
      open: 100,
      high: 105,
      low: 100,
      close: 105,
      volume: 3,
      trades: 2,
      revision: 0,
    });
    expect(outs[0]!.correction).toBe(false);
    expect(outs[1]!.candle).toMatchObject({ openTime: T0 + 60_000, open: 99 });
  });

  it('forming candle - out-of-order trades inside the bucket keep open = earliest, close = latest', () => {
    const agg = new CandleAggregator({ intervals: ['1m'] });
    agg.onTrade(trade(T0 + 10_000, 100));
    agg.onTrade(trade(T0 + 5_000, 90));
    agg.onTrade(trade(T0 + 30_000, 110));
    agg.onTrade(trade(T0 + 20_000, 95));
    expect(agg.forming('BTC-USDT', '1m')).toMatchObject({
      open: 90,
      close: 110,
      high: 110,
      low: 90,
      trades: 4,
    });
  });

  it('late trade - inside the grace window corrects the closed candle and emits a correction', () => {
    // Given a closed 1m candle and a grace window of 5 s
    const agg = new CandleAggregator({ intervals: ['1m'], graceMs: 5_000 });
    agg.onTrade(trade(T0 + 1_000, 100));
    agg.onTrade(trade(T0 + 60_500, 101));
    // When a trade for the closed minute arrives 3 s after its close
    agg.onTrade(trade(T0 + 63_000, 102));
    const outs = agg.onTrade(trade(T0 + 59_000, 120, 2));
    // Then the closed candle is re-emitted with the trade added and the revision bumped
    expect(outs).toEqual([
      expect.objectContaining({
        type: 'closed',
        correction: true,
        candle: expect.objectContaining({ openTime: T0, high: 120, volume: 3, trades: 2, revision: 1 }),
      }),
    ]);
    expect(agg.droppedLate).toBe(0);
    // And a late trade later than the candle's last one becomes its close; an earlier one its open
    expect(agg.onTrade(trade(T0 + 59_500, 99))[0]!.candle).toMatchObject({ close: 99, low: 99, revision: 2 });
    expect(agg.onTrade(trade(T0 + 500, 98))[0]!.candle).toMatchObject({ open: 98, close: 99, revision: 3 });
    // And the forming candle is untouched
    expect(agg.forming('BTC-USDT', '1m')).toMatchObject({ openTime: T0 + 60_000, trades: 2 });
  });

  it('late trade - after grace expiry it is dropped and counted', () => {
    const agg = new CandleAggregator({ intervals: ['1m'], graceMs: 5_000 });
    agg.onTrade(trade(T0 + 1_000, 100));
    agg.onTrade(trade(T0 + 65_000, 101));
    expect(agg.onTrade(trade(T0 + 59_000, 120))).toEqual([]);
    expect(agg.droppedLate).toBe(1);
  });

  it('late trade - an empty closed bucket inside grace gets a corrected candle of its own', () => {
    const agg = new CandleAggregator({ intervals: ['1s'], graceMs: 2_000 });
    agg.onTrade(trade(T0 + 100, 100));
    agg.onTrade(trade(T0 + 2_100, 101));
    const outs = agg.onTrade(trade(T0 + 1_500, 99));
    expect(outs).toEqual([
      expect.objectContaining({
        type: 'closed',
        correction: true,
        candle: expect.objectContaining({ openTime: T0 + 1_000, open: 99, revision: 1 }),
      }),
    ]);
  });

  it('advance - a timer tick closes candles whose end passed, with no trade needed', () => {
    const agg = new CandleAggregator({ intervals: ['1s', '1m'] });
    agg.onTrade(trade(T0 + 100, 100));
    expect(agg.advance(T0 + 999)).toEqual([]);
    expect(agg.advance(T0 + 1_000).map((o) => o.candle.interval)).toEqual(['1s']);
    expect(agg.advance(T0 + 60_000).map((o) => o.candle.interval)).toEqual(['1m']);
    // A trade for the minute that closed by the timer is a late trade, not a new forming candle
    expect(agg.onTrade(trade(T0 + 59_999, 100))).toMatchObject([
      { type: 'closed', correction: true },
      { type: 'closed', correction: true },
    ]);
  });

  it('gaps - a disconnect flags the forming candle and the candle where trading resumes as incomplete', () => {
    const agg = new CandleAggregator({ intervals: ['1m'] });
    agg.onTrade(trade(T0 + 1_000, 100));
    agg.onTrade(trade(T0 + 1_000, 50, 1, 'ETH-USDT'));
    const marked = agg.onDisconnect({
      kind: 'disconnect',
      exchange: 'test',
      symbols: ['BTC-USDT'],
      at: T0 + 30_000,
      reason: 'socket closed',
    });
    expect(marked).toMatchObject([{ type: 'updated', candle: { symbol: 'BTC-USDT', incomplete: true } }]);
    const outs = agg.onTrade(trade(T0 + 180_000, 101));
    expect(closed(outs)).toMatchObject([
      { candle: { symbol: 'BTC-USDT', openTime: T0, incomplete: true } },
      { candle: { symbol: 'ETH-USDT', incomplete: false } },
    ]);
    expect(agg.forming('BTC-USDT', '1m')).toMatchObject({ openTime: T0 + 180_000, incomplete: true });
    // The flag does not stick to later candles
    agg.onTrade(trade(T0 + 240_000, 102));
    expect(agg.forming('BTC-USDT', '1m')!.incomplete).toBe(false);
  });

  it('every interval - one trade updates a candle per interval, each aligned to its own bucket', () => {
    const agg = new CandleAggregator();
    const at = Date.UTC(2024, 2, 15, 13, 47, 29, 123);
    const outs = agg.onTrade(trade(at, 100));
    expect(outs.map((o) => [o.candle.interval, o.candle.openTime])).toEqual([
      ['1s', Date.UTC(2024, 2, 15, 13, 47, 29)],
      ['1m', Date.UTC(2024, 2, 15, 13, 47)],
      ['5m', Date.UTC(2024, 2, 15, 13, 45)],
      ['15m', Date.UTC(2024, 2, 15, 13, 45)],
      ['1h', Date.UTC(2024, 2, 15, 13)],
      ['1d', Date.UTC(2024, 2, 15)],
    ]);
  });

  it('determinism - the same trades give the same outputs, and emitted candles are frozen', () => {
    const tape = Array.from({ length: 500 }, (_, i) => trade(T0 + i * 777, 100 + (i % 13)));
    const run = () => {
      const agg = new CandleAggregator({ emitUpdates: false });
      return tape.flatMap((t) => agg.onTrade(t));
    };
    const a = run();
    expect(a).toEqual(run());
    expect(a.length).toBeGreaterThan(0);
    expect(Object.isFrozen(a[0]!.candle)).toBe(true);
  });
});
