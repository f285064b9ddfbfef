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
  roundPrice: (value: number) => number;
  roundSize: (value: number) => number;
  meanSize: number;
  nextAt: number;
  burstLeft: number;
  seq: number;
}

/** Decimal places of a step (0.1 → 1, 0.25 → 2, 5 → 0), so a multiple prints without float noise. */
export function stepDecimals(step: number): number {
  for (let d = 0; d < 16; d++) {
    const scaled = step * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-9 * Math.max(1, scaled)) return d;
  }
  return 16;
}

/**
 * `value` rounded to a whole number of `step`s (at least one), as the shortest decimal: `599957 *
 * 0.1` is 59995.700000000004 in binary floating point; a venue would print 59995.7.
 */
export function roundToStep(value: number, step: number): number {
  return stepRounder(step)(value);
}

/**
 * {@link roundToStep} for one `step`, its decimals worked out once. The whole number of steps
 * times the step's integer units, divided by 10^decimals, is the double nearest that decimal —
 * what `Number(x.toFixed(decimals))` returns — without formatting and parsing a string per trade
 * (they were a tenth of the collector thread's time at full speed).
 */
export function stepRounder(step: number): (value: number) => number {
  const decimals = stepDecimals(step);
  const scale = 10 ** decimals;
  const units = Math.round(step * scale);
  // Past 15 decimals the integer route could round differently: keep the string route there.
  if (decimals > 15)
    return (value) => Number((Math.max(1, Math.round(value / step)) * step).toFixed(decimals));
  return (value) => (Math.max(1, Math.round(value / step)) * units) / scale;
}

/** Yields trades across all symbols in time order, forever. `receivedAt` equals `exchangeTime`. */
export function* tradeTape(config: TapeConfig): Generator<Trade> {
  const rng = new SeededRandom(config.seed);
  const meanGapMs = 1000 / config.tradesPerSecond;
  const walks: Walk[] = config.symbols.map((s) => ({
    symbol: s.symbol,
    logPrice: Math.log(s.startPrice),
    roundPrice: stepRounder(s.tickSize),
    roundSize: stepRounder(s.sizeStep),
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
    const price = w.roundPrice(Math.exp(w.logPrice));
    const size = w.roundSize(rng.exponential(w.meanSize));
    const side = rng.next() < 0.5 ? 'buy' : 'sell';
    w.seq++;
    w.nextAt += gap;
    lastAt = at;
    yield {
      exchange: config.exchange,
      symbol: w.symbol,
      tradeId: String(w.seq),
      price,
      size,
      side,
      exchangeTime: at,
      receivedAt: at,
      seq: w.seq,
    };
  }
}
