/** @module The engine's data shapes: feeds as columns, orders, fills, trades, settings and results. */

/** A declared parameter: its type, range and default. */
export type ParamSpec =
  | {
      type: 'int' | 'float';
      default: number;
      min?: number;
      max?: number;
      step?: number;
      description?: string;
    }
  | { type: 'bool'; default: boolean; description?: string }
  | { type: 'enum'; default: string; values: readonly string[]; description?: string };

export type ParamSpecs = Readonly<Record<string, ParamSpec>>;
export type ParamValues = Record<string, number | boolean | string>;

/** Closed candles of one feed as parallel columns (times in epoch ms; `closeTime` exclusive). */
export interface CandleColumns {
  openTime: Float64Array;
  closeTime: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

/** One (symbol, interval) stream of closed candles, oldest first. */
export interface Feed {
  symbol: string;
  interval: string;
  columns: CandleColumns;
}

export type OrderSide = 'buy' | 'sell';
export type OrderType = 'market' | 'limit' | 'stop';

/** What a strategy asks for; exactly one of `qty` and `percent`. */
export interface OrderRequest {
  /** Defaults to the symbol of the feed whose candle is being handled. */
  symbol?: string;
  type?: OrderType;
  /** Units of the base asset. */
  qty?: number;
  /** Percent of equity (0–100 × leverage), as given; `qty` holds the size it gave at placement. */
  percent?: number;
  /** Limit or stop price; required for those types. */
  price?: number;
  /** Free text copied onto the fill and the trade (entry/exit reason). */
  reason?: string;
}

/** An accepted order waiting for a bar that fills it. */
export interface Order {
  id: number;
  symbol: string;
  side: OrderSide;
  type: OrderType;
  qty: number;
  percent: number;
  price: number;
  reason: string;
  createdAt: number;
}

/** A filled order (the fee is in quote currency; `qty` is always positive). */
export interface Fill {
  orderId: number;
  symbol: string;
  side: OrderSide;
  type: OrderType;
  time: number;
  price: number;
  qty: number;
  fee: number;
  reason: string;
}

/** A closed round trip: from flat (or a flip) to flat again. */
export interface Trade {
  symbol: string;
  direction: 'long' | 'short';
  entryTime: number;
  exitTime: number;
  /** Volume-weighted entry and exit prices. */
  entryPrice: number;
  exitPrice: number;
  qty: number;
  /** Net of every fee paid by the trade's fills. */
  pnl: number;
  fees: number;
  /** `pnl` over the entry notional. */
  returnPct: number;
  entryReason: string;
  exitReason: string;
  bars: number;
}

export type Slippage =
  | { kind: 'none' }
  /** Fixed basis points against the order (1 bp = 0.01 %). */
  | { kind: 'bps'; bps: number }
  /** A fraction of the fill bar's high − low against the order. */
  | { kind: 'range'; fraction: number };

/** Output bounds of one run (strategy-controlled outputs only; trades and equity are the engine's). */
export interface OutputLimits {
  /** Log lines kept; later ones are counted, and a last line says how many were not kept. */
  maxLogLines: number;
  maxLogLineChars: number;
  /** Plot series; one more is STRATEGY_OUTPUT_LIMIT. */
  maxPlotSeries: number;
  /** Points kept per plot series: beyond it the series is downsampled (every n-th point and the last). */
  maxPlotPoints: number;
  maxOpenOrders: number;
  maxTrades: number;
}

/** Fully resolved engine settings. */
export interface EngineSettings {
  startingCapital: number;
  /** Fee rates as fractions of notional: limit fills pay maker, market and stop fills pay taker. */
  makerFee: number;
  takerFee: number;
  slippage: Slippage;
  /** Gross exposure may reach equity × maxLeverage; 1 means no leverage. */
  maxLeverage: number;
  allowShort: boolean;
  /** Close open positions at the last close (reason `end-of-data`). */
  closeAtEnd: boolean;
  /** Seed of the sandbox's Math.random, so runs repeat exactly. */
  seed: number;
  limits: OutputLimits;
}

export interface LogLine {
  time: number;
  text: string;
}

export interface PlotSeries {
  name: string;
  time: number[];
  value: number[];
}

export interface DrawdownInfo {
  /** Largest peak-to-trough fall of mark-to-market equity, as a positive fraction. */
  maxDrawdown: number;
  peakTime: number | null;
  troughTime: number | null;
  /** First time equity regained the peak; null if it never did. */
  recoveryTime: number | null;
  /** Longest time spent below a previous peak (ms), counting an unrecovered one to the end. */
  longestDrawdownMs: number;
}

export interface PeriodReturn {
  /** UTC start of the period (epoch ms). */
  start: number;
  return: number;
}

export interface Metrics {
  startingCapital: number;
  finalEquity: number;
  totalReturn: number;
  /** Compound annual growth; null (with `cagrNote`) for a run spanning less than 30 days. */
  cagr: number | null;
  /** Why `cagr` is null. */
  cagrNote?: string;
  /** Sample standard deviation of per-bar returns × √(bars per year). */
  volatility: number | null;
  /** Mean / sample standard deviation of per-bar returns × √(bars per year); null with fewer than two bars or no variation. */
  sharpe: number | null;
  /** Mean per-bar return / downside deviation (target 0) × √(bars per year); null without a losing bar. */
  sortino: number | null;
  /** CAGR / max drawdown; null without a drawdown or a CAGR. */
  calmar: number | null;
  drawdown: DrawdownInfo;
  trades: number;
  winRate: number;
  /** Gross profit / gross loss on net trade P&L; null when there is no losing trade. */
  profitFactor: number | null;
  /** Mean net P&L per trade (quote currency). */
  expectancy: number;
  avgWin: number;
  avgLoss: number;
  /** Share of time steps with a non-zero position. */
  exposure: number;
  feesPaid: number;
  periodReturns: { day: PeriodReturn[]; week: PeriodReturn[]; month: PeriodReturn[] };
}

/** Everything one run produces. */
export interface BacktestResult {
  metrics: Metrics;
  trades: Trade[];
  /** True when more trades closed than `limits.maxTrades` (metrics still count all). */
  tradesTruncated: boolean;
  fills: number;
  equity: { time: Float64Array; value: Float64Array };
  logs: LogLine[];
  logsDropped: number;
  plots: PlotSeries[];
  /** Bars handed to the strategy (all feeds). */
  bars: number;
}
