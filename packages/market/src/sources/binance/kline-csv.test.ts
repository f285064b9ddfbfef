import { describe, expect, it } from 'vitest';
import { klineFileName, parseKlineLine } from './kline-csv.ts';

const target = { symbol: 'BTC-USDT', interval: '1h', exchange: 'binance' } as const;
const T = Date.UTC(2024, 0, 1);

describe('binance kline csv', () => {
  it('kline csv - a row in ms or µs is a closed candle; headers and blanks are skipped', () => {
    const row = [T, 100, 110, 95, 105, 2.5, T + 3_599_999, 260, 42, 1, 100, 0];
    const ms = parseKlineLine(row.join(','), 1, target);
    expect(ms).toMatchObject({ openTime: T, closeTime: T + 3_600_000, open: 100, close: 105, trades: 42 });
    expect(parseKlineLine([T * 1000, ...row.slice(1)].join(','), 2, target)).toEqual(ms);
    expect(parseKlineLine('open_time,open,high,low,close,volume', 1, target)).toBeNull();
    expect(parseKlineLine('  ', 3, target)).toBeNull();
    expect(klineFileName('/data/BTCUSDT-1h-2024-01.csv')).toEqual({ symbol: 'BTC-USDT', interval: '1h' });
  });

  it('kline csv - a bad row is MARKET_CSV_ROW_INVALID naming its line', () => {
    const words = `abc,${[100, 110, 95, 105, 2.5, T, 260, 42].join(',')}`;
    for (const bad of [
      '1,2,3',
      // Words past the first line, or numbers that are no numbers, were skipped as headers.
      words,
      'open_time,open,high,low,close,volume,close_time,quote_volume,count',
      `NaN,${[100, 110, 95, 105, 2.5, T, 260, 42].join(',')}`,
      `${T},x,1,1,1,1,1,1,1`,
      `${T + 1},1,1,1,1,1,1,1,1`,
      `${T},5,4,1,5,1,1,1,1`,
    ]) {
      expect(() => parseKlineLine(bad, 7, target), bad).toThrow(
        expect.objectContaining({ code: 'MARKET_CSV_ROW_INVALID', details: { line: 7 } }),
      );
    }
    // On the first line too, a row with a number in it is no header.
    expect(() => parseKlineLine(`NaN,${[100, 110, 95, 105, 2.5, T, 260, 42].join(',')}`, 1, target)).toThrow(
      expect.objectContaining({ code: 'MARKET_CSV_ROW_INVALID', details: { line: 1 } }),
    );
  });
});
