/**
 * @module Performance metrics from the mark-to-market equity curve and the ledger's trade sums.
 * Risk ratios use per-bar returns (each step's equity over the previous step's) annualised by the
 * bar's length: × √(steps per year), steps per year = 365 d / (span / steps). Daily returns would
 * leave a run shorter than two days with no ratio at all, and a walk-forward on intraday windows
 * with nothing to choose by. Formulas: docs/backtesting.md.
 */
import type { TradeStats } from './ledger.ts';
import type { DrawdownInfo, Metrics, PeriodReturn } from './types.ts';

export const DAY_MS = 86_400_000;
export const YEAR_MS = 365 * DAY_MS;
/**
 * Shortest span a CAGR is reported for: compounding a few hours' return over a year says nothing
 * (a 1 % loss in 6 h reads as −100 %), so a shorter run's CAGR is null with {@link CAGR_NOTE}.
 */
export const MIN_CAGR_SPAN_MS = 30 * DAY_MS;
export const CAGR_NOTE = 'not meaningful: the run spans less than 30 days';

type PeriodKey = (t: number) => number;

/** UTC day start of the bar that closes at `t` (close times are exclusive, hence − 1). */
export const dayStart: PeriodKey = (t) => Math.floor((t - 1) / DAY_MS) * DAY_MS;

/** UTC Monday 00:00 of the week holding the bar closing at `t` (1970-01-01 was a Thursday). */
export const weekStart: PeriodKey = (t) => {
  const day = Math.floor((t - 1) / DAY_MS);
  return (day - ((day + 3) % 7)) * DAY_MS;
};

/** UTC first day of the month holding the bar closing at `t`. */
export const monthStart: PeriodKey = (t) => {
  const d = new Date(t - 1);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
};

/** The equity at the last step of each UTC day: parallel arrays of day starts and values. */
export function dailyCloses(time: Float64Array, value: Float64Array): { start: number[]; value: number[] } {
  const start: number[] = [];
  const closes: number[] = [];
  const n = time.length;
  let i = 0;
  while (i < n) {
    const day = dayStart(time[i]!);
    const end = day + DAY_MS;
    // The last step of this day, by binary search over the sorted times: a few hundred
    // iterations per run instead of one per step (this runs once per fresh isolate, unoptimised).
    let lo = i;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (time[mid]! <= end) lo = mid;
      else hi = mid - 1;
    }
    i = lo;
    start.push(day);
    closes.push(value[i]!);
    i++;
  }
  return { start, value: closes };
}

/** Return of each period from daily closes: its last close over the previous period's (the capital first). */
export function periodReturns(
  days: { start: number[]; value: number[] },
  startingCapital: number,
  key: PeriodKey,
): PeriodReturn[] {
  const out: PeriodReturn[] = [];
  let prev = startingCapital;
  const n = days.start.length;
  for (let i = 0; i < n; i++) {
    const k = key(days.start[i]! + 1);
    if (i + 1 < n && key(days.start[i + 1]! + 1) === k) continue;
    out.push({ start: k, return: prev === 0 ? 0 : days.value[i]! / prev - 1 });
    prev = days.value[i]!;
  }
  return out;
}

/**
 * Maximum drawdown (peak starts at the capital) with its dates, and the longest time under water,
 * fed one step at a time: the engine pushes each step from its bar loop (already optimised code),
 * rather than a second pass over a million steps in a fresh isolate's cold code.
 */
export class DrawdownTracker {
  #peak: number;
  #peakTime: number;
  #max = 0;
  #maxPeak = NaN;
  #maxPeakTime: number | null = null;
  #troughTime: number | null = null;
  #recoveryTime: number | null = null;
  #longest = 0;
  #underwater = false;
  #lastTime = NaN;

  constructor(startingCapital: number, startTime: number) {
    this.#peak = startingCapital;
    this.#peakTime = startTime;
  }

  push(t: number, v: number): void {
    this.#lastTime = t;
    const peak = this.#peak;
    if (v >= peak) {
      if (this.#underwater) this.#longest = Math.max(this.#longest, t - this.#peakTime);
      this.#underwater = false;
      if (this.#recoveryTime === null && this.#maxPeakTime !== null && v >= this.#maxPeak)
        this.#recoveryTime = t;
      this.#peak = v;
      this.#peakTime = t;
      return;
    }
    this.#underwater = true;
    // Most steps under water are no new maximum: a multiply rules them out before the exact
    // division (the slack keeps every step that the division could still find deeper).
    if (peak > 0 && !(v < peak * (1 - this.#max) * (1 + 1e-9))) return;
    const dd = 1 - v / peak;
    if (dd > this.#max) {
      this.#max = dd;
      this.#maxPeak = peak;
      this.#maxPeakTime = this.#peakTime;
      this.#troughTime = t;
      this.#recoveryTime = null;
    }
  }

  result(): DrawdownInfo {
    const longest = this.#underwater
      ? Math.max(this.#longest, this.#lastTime - this.#peakTime)
      : this.#longest;
    return {
      maxDrawdown: this.#max,
      peakTime: this.#maxPeakTime,
      troughTime: this.#troughTime,
      recoveryTime: this.#recoveryTime,
      longestDrawdownMs: longest,
    };
  }
}

/** {@link DrawdownTracker} over a whole curve. */
export function drawdown(
  time: Float64Array,
  value: Float64Array,
  startingCapital: number,
  startTime: number,
): DrawdownInfo {
  const tracker = new DrawdownTracker(startingCapital, startTime);
  for (let i = 0; i < time.length; i++) tracker.push(time[i]!, value[i]!);
  return tracker.result();
}

/** Mean, sample standard deviation and downside deviation (target 0) of per-step returns. */
export interface StepReturnStats {
  n: number;
  mean: number;
  std: number;
  downside: number;
}

/**
 * Statistics of the per-step returns of `value`, the first step's over `startingCapital`. One
 * pass (Welford's update, stable for tiny returns), since this runs once per run in a fresh
 * isolate over up to millions of steps.
 */
export function stepReturnStats(value: Float64Array, startingCapital: number): StepReturnStats {
  const n = value.length;
  let prev = startingCapital;
  let mean = 0;
  let m2 = 0;
  let down = 0;
  for (let i = 0; i < n; i++) {
    const v = value[i]!;
    const r = prev === 0 ? 0 : v / prev - 1;
    const d = r - mean;
    mean += d / (i + 1);
    m2 += d * (r - mean);
    if (r < 0) down += r * r;
    prev = v;
  }
  return { n, mean, std: n > 1 ? Math.sqrt(m2 / (n - 1)) : 0, downside: n > 0 ? Math.sqrt(down / n) : 0 };
}

/**
 * How many steps of this run make a year: 365 d over the mean step length (span / steps). Equal
 * to 365 d / the interval on gap-free data; on data with gaps (a stock's nights and weekends) it
 * counts the steps a year actually has (≈ 252 daily bars), since each return spans its gap.
 */
export function stepsPerYear(steps: number, spanMs: number): number {
  return steps > 0 && spanMs > 0 ? (YEAR_MS * steps) / spanMs : 0;
}

/** Builds the metrics table. `exposedSteps` counts steps that ended with a position open. */
export function computeMetrics(
  time: Float64Array,
  value: Float64Array,
  ledger: TradeStats,
  startingCapital: number,
  exposedSteps: number,
  startTime = time.length > 0 ? time[0]! : 0,
  /** The curve's drawdown when the caller tracked it already (the engine does). */
  knownDrawdown?: DrawdownInfo,
): Metrics {
  const n = time.length;
  const finalEquity = n > 0 ? value[n - 1]! : startingCapital;
  const totalReturn = finalEquity / startingCapital - 1;
  const spanMs = n > 0 ? time[n - 1]! - startTime : 0;
  const cagrMeaningful = spanMs >= MIN_CAGR_SPAN_MS;
  const cagr = !cagrMeaningful
    ? null
    : finalEquity <= 0
      ? -1
      : Math.pow(finalEquity / startingCapital, YEAR_MS / spanMs) - 1;
  const days = dailyCloses(time, value);
  const day = periodReturns(days, startingCapital, dayStart);
  const r = stepReturnStats(value, startingCapital);
  const annual = Math.sqrt(stepsPerYear(n, spanMs));
  const dd = knownDrawdown ?? drawdown(time, value, startingCapital, startTime);
  const trades = ledger.tradeCount;
  return {
    startingCapital,
    finalEquity,
    totalReturn,
    cagr,
    ...(cagrMeaningful ? {} : { cagrNote: CAGR_NOTE }),
    // A standard deviation of one return is not a measurement: shown as none, like Sharpe.
    volatility: r.n > 1 ? r.std * annual : null,
    sharpe: r.std > 0 ? (r.mean / r.std) * annual : null,
    sortino: r.downside > 0 ? (r.mean / r.downside) * annual : null,
    calmar: cagr !== null && dd.maxDrawdown > 0 ? cagr / dd.maxDrawdown : null,
    drawdown: dd,
    trades,
    winRate: trades === 0 ? 0 : ledger.wins / trades,
    profitFactor: ledger.grossLoss > 0 ? ledger.grossProfit / ledger.grossLoss : null,
    expectancy: trades === 0 ? 0 : (ledger.grossProfit - ledger.grossLoss) / trades,
    avgWin: ledger.wins === 0 ? 0 : ledger.grossProfit / ledger.wins,
    avgLoss: ledger.losses === 0 ? 0 : -ledger.grossLoss / ledger.losses,
    exposure: n === 0 ? 0 : exposedSteps / n,
    feesPaid: ledger.feesPaid,
    periodReturns: {
      day,
      week: periodReturns(days, startingCapital, weekStart),
      month: periodReturns(days, startingCapital, monthStart),
    },
  };
}
