import { ManualClock, silentLogger } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { CandleAggregator } from '../../candles/aggregator.ts';
import type { Candle, Trade } from '../../port/market-message.ts';
import { resolveTapeConfig } from './config.ts';
import { simulatedHistory } from './history.ts';
import { SimulatorSource } from './source.ts';

const context = { logger: silentLogger, fail: () => undefined };
const MINUTE = 60_000;
/** Mid-minute: live starts on the minute, the tape the history before that. */
const NOW = Date.UTC(2026, 2, 15, 12, 30, 17, 400);
const LIVE_START = Date.UTC(2026, 2, 15, 12, 30);
const TAPE_START = Date.UTC(2026, 2, 15, 12, 25);

/** A paced simulator on a manual clock that advances as the source sleeps. */
function pacedSimulator(historyMs: number, clock = new ManualClock(NOW)): SimulatorSource {
  return new SimulatorSource({
    seed: 9,
    historyMs,
    clock,
    sleep: async (ms) => void clock.advance(ms),
  });
}

async function liveTrades(sim: SimulatorSource, n: number): Promise<Trade[]> {
  await sim.start(context);
  await sim.subscribe(['BTC-USDT', 'ETH-USDT'], ['trade']);
  const out: Trade[] = [];
  for await (const m of sim.messages()) {
    if (m.kind === 'trade') out.push(m.trade);
    if (out.length === n) break;
  }
  await sim.stop();
  return out;
}

const closedOf = (trades: readonly Trade[], until: number): Candle[] => {
  const aggregator = new CandleAggregator({ intervals: ['1s', '1m'], graceMs: 0, emitUpdates: false });
  const outputs = [...trades.flatMap((t) => aggregator.onTrade(t)), ...aggregator.advance(until)];
  return outputs.map((o) => o.candle);
};
const keyed = (candles: readonly Candle[]) => candles.map((c) => `${c.symbol} ${c.interval} ${c.openTime}`);
/** In key order: when a candle closes (a later trade, or the end) does not change what it is. */
const sorted = (candles: readonly Candle[]) =>
  [...candles].sort(
    (a, b) =>
      a.symbol.localeCompare(b.symbol) || a.interval.localeCompare(b.interval) || a.openTime - b.openTime,
  );

describe('simulator - history', () => {
  it('history - whole candles from the window to the minute live starts', () => {
    const sim = pacedSimulator(5 * MINUTE);
    const { liveStart, candles } = sim.history(['1s', '1m']);
    expect(liveStart).toBe(LIVE_START);
    const btc1s = candles.filter((c) => c.symbol === 'BTC-USDT' && c.interval === '1s');
    expect(btc1s[0]!.openTime).toBeGreaterThanOrEqual(TAPE_START);
    expect(btc1s.at(-1)!.closeTime).toBeLessThanOrEqual(LIVE_START);
    // ~10 trades a second: almost every second of the 5 m has its candle.
    expect(btc1s.length).toBeGreaterThan(((LIVE_START - TAPE_START) / 1_000) * 0.95);
    // 1 m candles: 12:25 … 12:29, whole; the 12:30 one is live's, from its first trade.
    expect(
      candles.filter((c) => c.symbol === 'BTC-USDT' && c.interval === '1m').map((c) => c.openTime),
    ).toEqual([0, 1, 2, 3, 4].map((m) => TAPE_START + m * MINUTE));
    expect(candles.every((c) => !c.incomplete && c.revision === 0 && c.exchange === 'simulator')).toBe(true);
  });

  it('determinism - the same clock gives the same past; only the asked symbols', () => {
    const a = pacedSimulator(2 * MINUTE).history(['1s', '1m']).candles;
    expect(pacedSimulator(2 * MINUTE).history(['1s', '1m']).candles).toEqual(a);
    const eth = pacedSimulator(2 * MINUTE).history(['1s'], new Set(['ETH-USDT'])).candles;
    expect(eth.length).toBeGreaterThan(0);
    expect(eth).toEqual(a.filter((c) => c.symbol === 'ETH-USDT' && c.interval === '1s'));
  });

  it('seamless - live trades continue the tape: history then live equals one uninterrupted tape', async () => {
    const history = pacedSimulator(5 * MINUTE).history(['1s', '1m']).candles;
    const continuing = pacedSimulator(5 * MINUTE);
    continuing.markStoredPast(['BTC-USDT', 'ETH-USDT']);
    const live = await liveTrades(continuing, 2_000);
    // The live feed starts at the live start, not before (no overlap) …
    expect(live[0]!.exchangeTime).toBeGreaterThanOrEqual(LIVE_START);
    const lastLive = live.at(-1)!.exchangeTime;
    // … and the whole: the same tape run past the live start makes history's candles, then live's.
    const tape = resolveTapeConfig({ seed: 9 }, TAPE_START);
    const whole = simulatedHistory({ tape, liveStart: lastLive, intervals: ['1s', '1m'] });
    expect(sorted(history)).toEqual(sorted(whole.filter((c) => c.closeTime <= LIVE_START)));
    const fromLive = sorted(closedOf(live, lastLive));
    const liveWhole = sorted(whole.filter((c) => c.openTime >= LIVE_START));
    expect(keyed(fromLive)).toEqual(keyed(liveWhole));
    expect(fromLive).toEqual(liveWhole);
    // No gap: the first live 1 s and 1 m candles open where the last history ones closed.
    for (const interval of ['1s', '1m']) {
      const btc = (cs: readonly Candle[]) =>
        cs.filter((c) => c.symbol === 'BTC-USDT' && c.interval === interval);
      expect(btc(fromLive)[0]!.openTime).toBe(btc(history).at(-1)!.closeTime);
    }
  });

  it('stored past - only the markets marked continue it from the minute; the others start now', async () => {
    const sim = pacedSimulator(MINUTE);
    sim.markStoredPast(['ETH-USDT']);
    expect(sim.continuesStoredPast('ETH-USDT')).toBe(true);
    expect(sim.continuesStoredPast('BTC-USDT')).toBe(false);
    const live = await liveTrades(sim, 400);
    const first = (symbol: string) => live.find((t) => t.symbol === symbol)!.exchangeTime;
    // ETH's minute so far is released at once; BTC (a restart: its candles were stored before)
    // is not traded again before now, what it recorded or lost to the stop stays as it was.
    expect(first('ETH-USDT')).toBeLessThan(LIVE_START + 1_000);
    expect(first('BTC-USDT')).toBeGreaterThanOrEqual(NOW);
  });

  it('without history - the tape starts live, and history is empty (at full speed too)', async () => {
    expect(pacedSimulator(0).history(['1s']).candles).toEqual([]);
    const fast = new SimulatorSource({ mode: 'max', startTime: NOW, historyMs: MINUTE });
    expect(fast.historyMs).toBe(0);
    expect(fast.history(['1s']).candles).toEqual([]);
    const live = await liveTrades(pacedSimulator(0), 10);
    expect(live[0]!.exchangeTime).toBeGreaterThanOrEqual(NOW);
  });
});
