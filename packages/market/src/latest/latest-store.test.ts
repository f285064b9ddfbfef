import { ManualClock } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import type { Trade } from '../port/market-message.ts';
import { LatestStore } from './latest-store.ts';

const T0 = Date.UTC(2024, 2, 15);
const HOUR = 3_600_000;
let id = 0;
const trade = (at: number, price: number, size = 1, symbol = 'BTC-USDT'): Trade => ({
  exchange: 'test',
  symbol,
  tradeId: String(++id),
  price,
  size,
  side: 'buy',
  exchangeTime: at,
  receivedAt: at,
});

describe('LatestStore', () => {
  it('stats - last trade and 24 h open, high, low, volume and change per symbol', () => {
    const clock = new ManualClock(T0 + 2 * HOUR);
    const store = new LatestStore({ clock });
    store.write(trade(T0, 100, 2));
    store.write(trade(T0 + HOUR, 130, 1));
    store.write(trade(T0 + HOUR + 1, 90, 1));
    store.write(trade(T0 + 2 * HOUR, 110, 0.5));
    store.write(trade(T0, 3000, 1, 'ETH-USDT'));
    const btc = store.get('BTC-USDT')!;
    expect(btc.lastTrade.price).toBe(110);
    expect(btc.stats24h).toMatchObject({
      open: 100,
      high: 130,
      low: 90,
      close: 110,
      volume: 4.5,
      trades: 4,
      change: 10,
      changePercent: 10,
    });
    expect(store.symbols().sort()).toEqual(['BTC-USDT', 'ETH-USDT']);
    expect(store.get('XRP-USDT')).toBeUndefined();
  });

  it('stats - the window rolls: trades older than 24 h drop out even without new writes', () => {
    const clock = new ManualClock(T0);
    const store = new LatestStore({ clock });
    store.write(trade(T0, 100));
    store.write(trade(T0 + 12 * HOUR, 120));
    clock.advance(12 * HOUR);
    expect(store.get('BTC-USDT')!.stats24h).toMatchObject({ open: 100, high: 120 });
    clock.advance(13 * HOUR);
    expect(store.get('BTC-USDT')!.stats24h).toMatchObject({ open: 120, low: 120, trades: 1 });
    clock.advance(24 * HOUR);
    expect(store.get('BTC-USDT')!.stats24h).toBeNull();
    expect(store.get('BTC-USDT')!.lastTrade.price).toBe(120);
  });

  it('last trade - an out-of-order older trade does not replace the last one', () => {
    const store = new LatestStore({ clock: new ManualClock(T0 + 10) });
    store.write(trade(T0 + 10, 100));
    store.write(trade(T0 + 5, 99));
    expect(store.get('BTC-USDT')!.lastTrade.price).toBe(100);
  });

  it('consistency - a snapshot held by a reader never changes while writes continue', async () => {
    // Given a reader holding a snapshot
    const clock = new ManualClock(T0);
    const store = new LatestStore({ clock });
    store.write(trade(T0, 100));
    store.write(trade(T0, 50, 1, 'ETH-USDT'));
    const held = store.snapshot();
    const copy = JSON.stringify([...held.tickers]);
    // When a writer interleaves thousands of writes with the reader's awaits
    const writer = (async () => {
      for (let i = 1; i <= 2_000; i++) {
        store.write(trade(T0 + i, 100 + i));
        store.write(trade(T0 + i, 50 + i, 1, 'ETH-USDT'));
        if (i % 100 === 0) await Promise.resolve();
      }
    })();
    const seen: number[] = [];
    const reader = (async () => {
      for (let i = 0; i < 20; i++) {
        const s = store.snapshot();
        // Within one snapshot, both symbols are from the same version (written in pairs).
        const btc = s.tickers.get('BTC-USDT')!.lastTrade.price - 100;
        const eth = s.tickers.get('ETH-USDT')!.lastTrade.price - 50;
        expect(btc).toBe(eth);
        seen.push(s.version);
        await Promise.resolve();
      }
    })();
    await Promise.all([writer, reader]);
    // Then the held snapshot is frozen and unchanged, and the reader saw versions move forward
    expect(JSON.stringify([...held.tickers])).toBe(copy);
    expect(Object.isFrozen(held)).toBe(true);
    expect(Object.isFrozen(held.tickers.get('BTC-USDT'))).toBe(true);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(store.snapshot().version).toBe(4_002);
    expect(store.snapshot()).toBe(store.snapshot());
  });
});
