import { describe, expect, it } from 'vitest';
import { historyWindow } from './history-window.ts';

describe('historyWindow', () => {
  it('opens the forms on the series with the most candles, to the minute in UTC', () => {
    const series = [
      {
        venue: 'binance',
        symbol: 'BTC-USDT',
        interval: '1h',
        from: '2020-12-01T00:00:00.000Z',
        to: '2021-07-17T21:00:00.000Z',
        candles: 5_482,
      },
      {
        venue: 'binance',
        symbol: 'ETH-USDT',
        interval: '1d',
        from: '2020-12-01T00:00:00.000Z',
        to: '2021-07-17T00:00:00.000Z',
        candles: 222,
      },
    ];
    expect(historyWindow(series)).toEqual({
      symbol: 'BTC-USDT',
      interval: '1h',
      from: '2020-12-01T00:00',
      to: '2021-07-17T21:00',
    });
  });

  it('leaves the forms their own defaults when no history is held', () => {
    expect(historyWindow([])).toBeUndefined();
  });
});
