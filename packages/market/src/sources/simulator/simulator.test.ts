import { ManualClock, silentLogger } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { isMarketSymbolUnknownError } from '../../port/errors.ts';
import type { MarketMessage, Trade } from '../../port/market-message.ts';
import { resolveTapeConfig } from './config.ts';
import { SimulatorSource } from './source.ts';
import { tradeTape } from './tape.ts';

const context = { logger: silentLogger, fail: () => undefined };
const T0 = Date.UTC(2024, 0, 1);

function take(n: number, seed: number, extra: Parameters<typeof resolveTapeConfig>[0] = {}): Trade[] {
  const out: Trade[] = [];
  for (const t of tradeTape(resolveTapeConfig({ seed, ...extra }, T0))) {
    out.push(t);
    if (out.length === n) break;
  }
  return out;
}

async function collect(it: AsyncIterable<MarketMessage>, n: number): Promise<Trade[]> {
  const out: Trade[] = [];
  for await (const m of it) {
    if (m.kind === 'trade') out.push(m.trade);
    if (out.length === n) break;
  }
  return out;
}

describe('simulator', () => {
  it('determinism - the same seed gives the same tape; another seed another one', () => {
    expect(take(2_000, 42)).toEqual(take(2_000, 42));
    expect(take(50, 43).map((t) => t.price)).not.toEqual(take(50, 42).map((t) => t.price));
  });

  it('realism - prices stay positive, on tick, near the start over a simulated day; times ordered', () => {
    // 10 trades/s per symbol for two symbols: ~1.7 million trades is a day; take ~3 hours.
    const tape = take(200_000, 7);
    let lastAt = T0;
    let unordered = 0;
    let nonPositive = 0;
    const bySymbol = new Map<string, Trade[]>();
    for (const t of tape) {
      if (t.exchangeTime < lastAt) unordered++;
      lastAt = t.exchangeTime;
      if (!(t.price > 0 && t.size > 0)) nonPositive++;
      const list = bySymbol.get(t.symbol) ?? [];
      list.push(t);
      bySymbol.set(t.symbol, list);
    }
    expect({ unordered, nonPositive }).toEqual({ unordered: 0, nonPositive: 0 });
    expect([...bySymbol.keys()].sort()).toEqual(['BTC-USDT', 'ETH-USDT']);
    const btc = bySymbol.get('BTC-USDT')!;
    // ~3 h at 3 % daily volatility (bursts included): the price should stay well within ±15 %.
    const prices = btc.map((t) => t.price);
    // ~3 h at 3 % daily volatility (bursts included): the price should stay well within ±15 %.
    expect(Math.min(...prices)).toBeGreaterThan(60_000 * 0.85);
    expect(Math.max(...prices)).toBeLessThan(60_000 * 1.15);
    expect(prices.filter((p) => Math.abs(p * 10 - Math.round(p * 10)) > 1e-6)).toEqual([]);
    // And it does move: a random walk, not a constant.
    expect(Math.max(...prices) - Math.min(...prices)).toBeGreaterThan(60);
    // Per-trade moves are small (no jump beyond 0.5 % between consecutive trades).
    let maxMove = 0;
    for (let i = 1; i < prices.length; i++)
      maxMove = Math.max(maxMove, Math.abs(prices[i]! / prices[i - 1]! - 1));
    expect(maxMove).toBeLessThan(0.005);
    // Rate: about 10 trades/s per symbol (bursts add some).
    const seconds = (lastAt - T0) / 1000;
    expect(btc.length / seconds).toBeGreaterThan(8);
    expect(btc.length / seconds).toBeLessThan(14);
  });

  it('precision - prices print on the tick and sizes on the size step, with no float noise', () => {
    const decimals = (n: number): number => (String(n).split('.')[1] ?? '').length;
    const trades = take(20_000, 3, {
      symbols: [
        { symbol: 'BTC-USDT', startPrice: 60_000 },
        { symbol: 'ETH-USDT', startPrice: 3_000 },
        { symbol: 'SOL-USDT', startPrice: 150, tickSize: 0.25, sizeStep: 0.5, meanSize: 5 },
      ],
    });
    const places = { 'BTC-USDT': [1, 5], 'ETH-USDT': [2, 4], 'SOL-USDT': [2, 1] } as Record<string, number[]>;
    const noisy = trades.filter((t) => {
      const [price, size] = places[t.symbol]!;
      return decimals(t.price) > price! || decimals(t.size) > size! || String(t.price).includes('e');
    });
    expect(noisy.slice(0, 3)).toEqual([]);
    const sol = trades.filter((t) => t.symbol === 'SOL-USDT');
    expect(sol.filter((t) => (t.price * 4) % 1 !== 0 || (t.size * 2) % 1 !== 0)).toEqual([]);
  });

  it('max mode - emits only subscribed symbols, from the configured start time', async () => {
    const sim = new SimulatorSource({ seed: 3, mode: 'max', startTime: T0 });
    await sim.start(context);
    await sim.subscribe(['ETH-USDT'], ['trade']);
    const trades = await collect(sim.messages(), 100);
    expect(trades.every((t) => t.symbol === 'ETH-USDT' && t.exchange === 'simulator')).toBe(true);
    expect(trades[0]!.exchangeTime).toBeGreaterThanOrEqual(T0);
    expect(trades).toEqual(
      take(400, 3)
        .filter((t) => t.symbol === 'ETH-USDT')
        .slice(0, 100),
    );
    await sim.stop();
  });

  it('paced mode - trades are released as the manual clock reaches them', async () => {
    const clock = new ManualClock(T0);
    const sleeps: number[] = [];
    const sim = new SimulatorSource({
      seed: 5,
      clock,
      tickMs: 100,
      sleep: async (ms) => {
        sleeps.push(ms);
        clock.advance(ms);
      },
    });
    await sim.start(context);
    await sim.subscribe(['BTC-USDT', 'ETH-USDT'], ['trade']);
    const trades = await collect(sim.messages(), 50);
    // Each trade was released no earlier than its time, and received at the clock's time.
    for (const t of trades) {
      expect(t.receivedAt).toBeGreaterThanOrEqual(t.exchangeTime);
      expect(t.receivedAt - t.exchangeTime).toBeLessThanOrEqual(100);
    }
    expect(sleeps.every((ms) => ms > 0 && ms <= 100)).toBe(true);
    // 50 trades at ~20/s overall take ~2.5 s of clock time.
    expect(clock.now() - T0).toBeGreaterThan(1_000);
    expect(clock.now() - T0).toBeLessThan(6_000);
    await sim.stop();
  });

  it('lifecycle - status goes connecting → live, health reports, unknown symbols are refused', async () => {
    const sim = new SimulatorSource({ mode: 'max' });
    const states: string[] = [];
    const watching = (async () => {
      for await (const s of sim.status()) states.push(s.state);
    })();
    expect(sim.state()).toBe('connecting');
    await sim.start(context);
    expect(sim.health().status).toBe('up');
    await expect(sim.subscribe(['DOGE-USDT'], ['trade'])).rejects.toSatisfy(isMarketSymbolUnknownError);
    await sim.stop();
    await watching;
    expect(states).toEqual(['connecting', 'live']);
  });
});
