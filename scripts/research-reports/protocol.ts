/**
 * @module The research protocol of the template reports: which history, which feeds, which grid
 * and which windows. It is fixed here, in one place, so a report can be re-made and a change to it
 * is a reviewed diff. The grids are small neighbourhoods of each template's defaults; every grid
 * set counts as a trial in the deflated Sharpe ratio and the PBO of its report.
 */

/** A feed of a research request. */
export interface ReportFeed {
  symbol: string;
  interval: '1h' | '1d';
  /** `market import` stores the files under the venue they came from. */
  exchange: 'binance';
}

export interface ReportSpec {
  template: string;
  feeds: ReportFeed[];
  grid: Record<string, number[]>;
  /** Overrides the protocol's warm-up (bars of the first feed). */
  warmupBars?: number;
}

const ETH_1H: ReportFeed = { symbol: 'ETH-USDT', interval: '1h', exchange: 'binance' };
const BTC_1H: ReportFeed = { symbol: 'BTC-USDT', interval: '1h', exchange: 'binance' };
const ETH_1D: ReportFeed = { symbol: 'ETH-USDT', interval: '1d', exchange: 'binance' };
const BTC_1D: ReportFeed = { symbol: 'BTC-USDT', interval: '1d', exchange: 'binance' };

/** The span of the committed history (open times 2020-12-01 00:00 to 2021-07-17 20:00 UTC). */
export const RANGE = { from: '2020-12-01T00:00:00Z', to: '2021-07-17T21:00:00Z' } as const;

const SPAN = '2020-12-01_2021-07-17';

/** The single-feed templates run on each symbol alone. */
const single = (template: string, grid: Record<string, number[]>): ReportSpec[] => [
  { template, feeds: [ETH_1H], grid },
  { template, feeds: [BTC_1H], grid },
];

/** Sets in a grid: every combination is one trial. */
export const gridSize = (grid: Record<string, number[]>): number =>
  Object.values(grid).reduce((n, values) => n * values.length, 1);

/** Trials made on this history outside one report's grid, each with what it was. */
export interface PriorTrials {
  what: string;
  trials: number;
}

/**
 * Everything tried on this history that a report's deflated Sharpe ratio must count besides its
 * own grid, sent as the walk-forward's `priorTrials`: the same template's grids on the other feed
 * sets of this protocol (picking the symbol a template passes on is a choice among them too), and
 * the session that chose this protocol, which tried "a few other grids" and, for the
 * multi-timeframe template, a 5-minute entry feed on the same data without recording them — counted
 * here as one more grid of each feed set (and one more for the 5-minute variant), an allowance,
 * since the real count is lost.
 */
export function priorTrialsOf(spec: ReportSpec, reports: readonly ReportSpec[]): PriorTrials[] {
  const mine = reports.filter((r) => r.template === spec.template);
  const others = mine.filter((r) => r !== spec);
  const prior: PriorTrials[] = others.map((r) => ({
    what: `this protocol's grid on ${r.feeds.map((f) => `${f.symbol} ${f.interval}`).join(' + ')}`,
    trials: gridSize(r.grid),
  }));
  prior.push({
    what: 'unrecorded grids tried while choosing this protocol (allowance: one more grid per feed set)',
    trials: mine.reduce((n, r) => n + gridSize(r.grid), 0),
  });
  if (spec.template === 'multi-timeframe-ema')
    prior.push({ what: 'the 5-minute entry variant tried while choosing this protocol (allowance: one grid)', trials: gridSize(spec.grid) });
  return prior;
}

export const PROTOCOL = {
  history: [
    { name: `BTCUSDT-1h-${SPAN}.csv.gz`, symbol: 'BTC-USDT', interval: '1h' },
    { name: `ETHUSDT-1h-${SPAN}.csv.gz`, symbol: 'ETH-USDT', interval: '1h' },
    { name: `BTCUSDT-1d-${SPAN}.csv.gz`, symbol: 'BTC-USDT', interval: '1d' },
    { name: `ETHUSDT-1d-${SPAN}.csv.gz`, symbol: 'ETH-USDT', interval: '1d' },
  ],
  lookaheadPoints: 20,
  objective: 'sharpe',
  /** About six weeks in, three weeks out: 8 windows over the 5,482 hourly bars. */
  inSampleBars: 1_000,
  outSampleBars: 500,
  /** A live run's default warm-up. */
  warmupBars: 200,
  reports: [
    ...single('trend-sma-cross', { fast: [5, 10, 20], slow: [30, 50, 100] }),
    ...single('mean-reversion-rsi', { oversold: [20, 25, 30], exit: [50, 60, 70] }),
    ...single('breakout-donchian', { entry: [20, 50, 100], exit: [10, 20, 50] }),
    ...single('momentum-macd', { fast: [8, 12], slow: [26, 52], signal: [9] }),
    ...single('volatility-atr', { k: [1, 1.5, 2], m: [2, 3, 4] }),
    // Hourly entries, a daily trend: ten days of warm-up settle a 10-day EMA on the second feed.
    {
      template: 'multi-timeframe-ema',
      feeds: [ETH_1H, ETH_1D],
      grid: { fast: [12, 24], slow: [26, 52], trend: [5, 10] },
      warmupBars: 240,
    },
    {
      template: 'multi-timeframe-ema',
      feeds: [BTC_1H, BTC_1D],
      grid: { fast: [12, 24], slow: [26, 52], trend: [5, 10] },
      warmupBars: 240,
    },
    {
      template: 'spread-pairs',
      feeds: [BTC_1H, ETH_1H],
      grid: { lookback: [50, 100, 200], entry: [1.5, 2, 2.5] },
    },
  ] satisfies ReportSpec[],
};
