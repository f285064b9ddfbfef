/**
 * @module The simulated trade tape: a pure, infinite, deterministic generator. Each symbol's price
 * follows a geometric random walk (log returns normal, variance proportional to elapsed time),
 * with occasional bursts of faster, more volatile trading. Arrival times are Poisson.
 */
import type { Trade } from '../../port/market-message.ts';
import type { TapeConfig } from './config.ts';
import { SeededRandom } from './prng.ts';

const DAY_MS = 86_400_000;

interface Walk {
  symbol: string;
  logPrice: number;
  tickSize: number;
  meanSize: number;
  nextAt: number;
  burstLeft: number;
  seq: number;
}

/** Yields trades across all symbols in time order, forever. `receivedAt` equals `exchangeTime`. */
export function* tradeTape(config: TapeConfig): Generator<Trade> {
  const rng = new SeededRandom(config.seed);
  const meanGapMs = 1000 / config.tradesPerSecond;
  const walks: Walk[] = config.symbols.map((s) => ({
    symbol: s.symbol,
    logPrice: Math.log(s.startPrice),
    tickSize: s.tickSize,
    meanSize: s.meanSize,
    nextAt: config.startTime + rng.exponential(meanGapMs),
    burstLeft: 0,
    seq: 0,
  }));
  let lastAt = config.startTime;
  for (;;) {
    let w = walks[0]!;
    for (const x of walks) if (x.nextAt < w.nextAt) w = x;
    const at = Math.max(lastAt, Math.floor(w.nextAt));
    const inBurst = w.burstLeft > 0;
    if (inBurst) w.burstLeft--;
    else if (rng.next() < config.burstProbability) w.burstLeft = config.burstLength;
    const factor = inBurst ? config.burstFactor : 1;
    const gap = rng.exponential(meanGapMs / factor);
    // Variance scales with the time to the next trade so volatility per day does not depend on the rate.
    const sigma = config.dailyVolatility * factor * Math.sqrt(gap / DAY_MS);
    w.logPrice += sigma * rng.normal() - (sigma * sigma) / 2;
    const price = Math.max(w.tickSize, Math.round(Math.exp(w.logPrice) / w.tickSize) * w.tickSize);
    const size = Number(Math.max(1e-8, rng.exponential(w.meanSize)).toPrecision(6));
    const side = rng.next() < 0.5 ? 'buy' : 'sell';
    w.seq++;
    w.nextAt += gap;
    lastAt = at;
    yield {
      exchange: config.exchange,
      symbol: w.symbol,
      tradeId: String(w.seq),
      price: Number(price.toFixed(12)),
      size,
      side,
      exchangeTime: at,
      receivedAt: at,
      seq: w.seq,
    };
  }
}
