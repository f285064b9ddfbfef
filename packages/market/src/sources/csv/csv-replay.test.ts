import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ManualClock, silentLogger } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { isMarketCsvHeaderError } from '../../port/errors.ts';
import type { MarketMessage } from '../../port/market-message.ts';
import type { CsvBadRow } from './config.ts';
import { splitCsvLine } from './parse-csv.ts';
import { CsvReplaySource } from './source.ts';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const context = { logger: silentLogger, fail: () => undefined };

async function drain(source: CsvReplaySource): Promise<MarketMessage[]> {
  const out: MarketMessage[] = [];
  for await (const m of source.messages()) out.push(m);
  return out;
}

describe('CsvReplaySource', () => {
  it('max speed - replays every good trade in file order, reports bad rows with line and reason', async () => {
    const bad: CsvBadRow[] = [];
    const clock = new ManualClock(Date.UTC(2025, 0, 1));
    const sleep = async (): Promise<void> => {
      throw new Error('max speed must not wait');
    };
    const source = new CsvReplaySource({
      files: [fixture('trades.csv')],
      onBadRow: (r) => bad.push(r),
      clock,
      sleep,
    });
    await source.start(context);
    const msgs = await drain(source);
    const trades = msgs.map((m) => (m.kind === 'trade' ? m.trade : null));
    expect(trades.map((t) => [t?.tradeId, t?.symbol, t?.price, t?.side])).toEqual([
      ['1', 'BTC-USDT', 67000.5, 'buy'],
      ['2', 'BTC-USDT', 67001, 'sell'],
      ['4', 'ETH-USDT', 3500.25, 'buy'],
      ['7', 'BTC-USDT', 67003, 'buy'],
    ]);
    expect(trades[0]).toMatchObject({
      exchange: 'csv',
      exchangeTime: 1710460800000,
      receivedAt: clock.now(),
    });
    expect(bad.map((b) => [b.line, b.reason])).toEqual([
      [4, 'price_not_positive'],
      [7, 'price_not_finite'],
      [8, 'size_not_positive'],
    ]);
    expect(source.badRows).toBe(3);
    expect(source.health().info).toMatchObject({ emitted: 4, badRows: 3 });
  });

  it('N× speed - waits the gaps between trade times divided by N on the clock', async () => {
    const clock = new ManualClock(0);
    const waits: number[] = [];
    const source = new CsvReplaySource({
      files: [fixture('trades.csv')],
      speed: 2,
      clock,
      onBadRow: () => undefined,
      sleep: async (ms) => {
        waits.push(ms);
        clock.advance(ms);
      },
    });
    const seen: Array<[string, number]> = [];
    for await (const m of source.messages())
      if (m.kind === 'trade') seen.push([m.trade.tradeId, clock.monotonic()]);
    // Trades at +0, +0.5 s, +2 s, +6 s → released at 0, 250, 1000, 3000 ms on the clock.
    expect(seen).toEqual([
      ['1', 0],
      ['2', 250],
      ['4', 1000],
      ['7', 3000],
    ]);
    expect(waits).toEqual([250, 750, 2000]);
  });

  it('subscription - filters to the subscribed symbols', async () => {
    const source = new CsvReplaySource({ files: [fixture('trades.csv')], onBadRow: () => undefined });
    await source.subscribe(['ETH-USDT'], ['trade']);
    const msgs = await drain(source);
    expect(msgs).toHaveLength(1);
    expect(msgs[0]).toMatchObject({ kind: 'trade', trade: { symbol: 'ETH-USDT' } });
  });

  it('candles - a candle file replays candles with canonical symbols; inconsistent rows are bad', async () => {
    const bad: CsvBadRow[] = [];
    const source = new CsvReplaySource({
      files: [fixture('candles-1m.csv')],
      exchange: 'binance',
      onBadRow: (r) => bad.push(r),
    });
    const msgs = await drain(source);
    expect(
      msgs.map((m) =>
        m.kind === 'candle'
          ? [m.candle.symbol, m.candle.interval, m.candle.openTime, m.candle.closeTime]
          : null,
      ),
    ).toEqual([
      ['BTC-USDT', '1m', 1710460800000, 1710460860000],
      ['BTC-USDT', '1m', 1710460920000, 1710460980000],
    ]);
    expect(bad).toEqual([{ file: fixture('candles-1m.csv'), line: 3, reason: 'ohlc_inconsistent' }]);
  });

  it('header - a file with neither layout fails the stream with MARKET_CSV_HEADER and marks the source failed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tickline-csv-'));
    const file = join(dir, 'bad.csv');
    writeFileSync(file, 'a,b,c\n1,2,3\n');
    const source = new CsvReplaySource({ files: [file] });
    await expect(drain(source)).rejects.toSatisfy(isMarketCsvHeaderError);
    expect(source.state()).toBe('failed');
  });

  it('splitting - quotes, doubled quotes, CRLF and spaces', () => {
    expect(splitCsvLine('a, "b,c" ,"say ""hi"""\r')).toEqual(['a', 'b,c', 'say "hi"']);
    expect(splitCsvLine('1,2,\r')).toEqual(['1', '2', '']);
  });
});
