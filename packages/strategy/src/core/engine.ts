/**
 * @module The event-driven backtest engine. Time advances over the close times of all feeds;
 * at each step the execution feed of every symbol (its finest interval) fills resting orders
 * with its new bar and marks positions at its close, equity is recorded, and then `onCandle`
 * runs once for each feed whose candle closed at that time, in feed order. Orders placed in
 * `onCandle` therefore fill on a later bar than the one the strategy saw: never on data it
 * has not seen, never on the bar that produced the signal.
 *
 * Pure and deterministic: no I/O, no wall clock (the bar time is the only clock).
 */
import { TicklineError } from '@tickline/kernel';
import { checkDefinition, resolveParams } from './definition.ts';
import type { ParamValues, StrategyDefinition } from './definition.ts';
import { FeedView, InitContext, PortfolioView, PositionView, StrategyContext } from './context.ts';
import type { FeedCursor } from './context.ts';
import { executionFeeds } from './execution-feed.ts';
import { crossingPrice, slipped } from './fill-model.ts';
import { indicators } from './indicators.ts';
import type { Indicators } from './indicators.ts';
import { Ledger } from './ledger.ts';
import type { Position } from './ledger.ts';
import { computeMetrics, DrawdownTracker } from './metrics.ts';
import { formatLogLine, MAX_NAME_CHARS, PlotSet } from './run-output.ts';
import type { EngineRunResult, RunOptions, Signal } from './run-options.ts';
import type { EngineSettings, Feed, LogLine, Order, OrderRequest, OrderSide, PlotSeries } from './types.ts';

export type { EngineRunResult, PausedSpan, RunOptions, Signal } from './run-options.ts';

function orderError(message: string): TicklineError {
  return new TicklineError('STRATEGY_ORDER_INVALID', message);
}

function asyncHandlerError(): TicklineError {
  return new TicklineError(
    'STRATEGY_FORBIDDEN_API',
    'onCandle must not return a value (async handlers are not supported)',
    { details: { api: 'async onCandle' } },
  );
}

/** The run's mutable state; strategies reach it only through the frozen views of context.ts. */
export class Engine {
  readonly settings: EngineSettings;
  readonly ledger: Ledger;
  readonly ta: Indicators = indicators;
  readonly views: FeedView[];
  readonly portfolioView: PortfolioView;
  params: ParamValues = {};
  state: unknown = {};
  time = NaN;
  feedIndex = 0;
  step = 0;
  /**
   * False while a live run's feeds are unhealthy (stale, gapped or jumped: trading's data-health
   * interlock); a backtest's data is always taken as healthy.
   */
  dataHealthy = true;
  readonly #feeds: readonly Feed[];
  readonly #symbols: Set<string>;
  readonly #positionViews = new Map<string, PositionView>();
  readonly #feedPositionViews: (PositionView | undefined)[] = [];
  readonly #cursors: FeedCursor[];
  #feedList: readonly FeedView[] = Object.freeze([]);
  #orders: Order[] = [];
  #nextOrderId = 1;
  readonly logs: LogLine[] = [];
  logsDropped = 0;
  readonly #plots: PlotSet;
  readonly signals: Signal[] = [];
  #recordSignals = false;
  #warmupUntil = -Infinity;
  /** True while the step being decided lies in a paused span (`RunOptions.paused`). */
  #quiet = false;
  rejectedOrders = 0;

  constructor(feeds: readonly Feed[], settings: EngineSettings) {
    if (feeds.length === 0)
      throw new TicklineError('STRATEGY_CONFIG_INVALID', 'a backtest needs at least one feed');
    this.#feeds = feeds;
    this.settings = settings;
    this.ledger = new Ledger(settings.startingCapital, settings.limits.maxTrades);
    this.#symbols = new Set(feeds.map((f) => f.symbol));
    this.#cursors = feeds.map(() => ({ i: -1 }));
    this.views = feeds.map((f, k) => new FeedView(f.symbol, f.interval, f.columns, this.#cursors[k]!));
    this.portfolioView = new PortfolioView(this);
    this.#plots = new PlotSet(settings.limits);
  }

  feedList(): readonly FeedView[] {
    const views = this.views;
    let list = this.#feedList;
    let same = list.length === views.length;
    for (let k = 0; same && k < views.length; k++) same = list[k] === views[k];
    // Rebuilt only when a view changed (a live engine swaps them when a feed is re-read).
    if (!same) this.#feedList = list = Object.freeze(views.slice());
    return list;
  }

  positionView(symbol: string): PositionView {
    let v = this.#positionViews.get(symbol);
    if (v === undefined) {
      if (!this.#symbols.has(symbol)) throw orderError(`no feed for symbol ${symbol}`);
      v = new PositionView(this, symbol);
      this.#positionViews.set(symbol, v);
    }
    return v;
  }

  feedPositionView(): PositionView {
    const f = this.feedIndex;
    let v = this.#feedPositionViews[f];
    // Checked against the view's symbol: a live engine may swap its feed views.
    if (v === undefined || v.symbol !== this.views[f]!.symbol) {
      v = this.positionView(this.views[f]!.symbol);
      this.#feedPositionViews[f] = v;
    }
    return v;
  }

  place(side: OrderSide, request: OrderRequest): number {
    if (request === null || typeof request !== 'object')
      throw orderError('an order needs { qty } or { percent }');
    // Each field read once: a getter answers one value to the checks and the same to the order.
    const { symbol: given, type: givenType, qty: givenQty, percent: givenPct, price: givenPrice } = request;
    const givenReason = request.reason;
    const symbol = given ?? this.views[this.feedIndex]!.symbol;
    if (!this.#symbols.has(symbol)) throw orderError(`no feed for symbol ${String(symbol)}`);
    const type = givenType ?? 'market';
    if (type !== 'market' && type !== 'limit' && type !== 'stop')
      throw orderError(`unknown order type ${String(type)}`);
    const hasQty = givenQty !== undefined;
    const hasPct = givenPct !== undefined;
    if (hasQty === hasPct) throw orderError('give exactly one of qty and percent');
    let qty = hasQty ? givenQty : 0;
    const percent = hasPct ? givenPct : 0;
    if (hasQty && !(typeof qty === 'number' && qty > 0 && Number.isFinite(qty)))
      throw orderError('qty must be a positive number');
    if (
      hasPct &&
      !(typeof percent === 'number' && percent > 0 && percent <= 100 * this.settings.maxLeverage)
    ) {
      throw orderError(`percent must be in (0, ${100 * this.settings.maxLeverage}]`);
    }
    const price = givenPrice ?? NaN;
    if (type !== 'market' && !(typeof price === 'number' && price > 0 && Number.isFinite(price))) {
      throw orderError(`a ${type} order needs a positive price`);
    }
    if (this.#orders.length >= this.settings.limits.maxOpenOrders) {
      throw new TicklineError(
        'STRATEGY_OUTPUT_LIMIT',
        `more than ${this.settings.limits.maxOpenOrders} open orders`,
        {
          details: { limit: 'maxOpenOrders', value: this.settings.limits.maxOpenOrders },
        },
      );
    }
    // One sizing rule, live and in backtests: a percent order is sized when placed, from the
    // equity and the symbol's last close now (what a live venue can be asked for), with the taker
    // fee on top. No close yet leaves no size (NaN): the order is rejected when it would fill.
    if (hasPct)
      qty = sizeForPercent(
        percent,
        this.ledger.equity(),
        this.ledger.position(symbol).mark,
        this.settings.takerFee,
      );
    const reason = givenReason === undefined ? type : String(givenReason).slice(0, MAX_NAME_CHARS);
    const id = this.#nextOrderId++;
    this.#orders.push({ id, symbol, side, type, qty, percent, price, reason, createdAt: this.time });
    if (this.#recordSignals && this.time > this.#warmupUntil && !this.#quiet) {
      const signal: Signal = { time: this.time, symbol, side, type, qty, percent, price };
      if (this.#warmupUntil !== -Infinity) signal.equity = this.ledger.equity();
      this.signals.push(signal);
    }
    return id;
  }

  closePosition(symbol: string, reason?: string): number {
    const qty = this.positionView(symbol).qty;
    if (qty === 0) return -1;
    return this.place(qty > 0 ? 'sell' : 'buy', { symbol, qty: Math.abs(qty), reason: reason ?? 'close' });
  }

  /**
   * Puts back a working order of an earlier engine of the same run (a live run reopened in a fresh
   * sandbox process): same id, same terms. Later ids stay above it.
   */
  restoreOrder(order: Omit<Order, 'createdAt'>): void {
    if (this.#orders.some((o) => o.id === order.id)) return;
    this.#orders.push({ ...order, createdAt: this.time });
    this.#nextOrderId = Math.max(this.#nextOrderId, order.id + 1);
  }

  cancel(orderId: number): boolean {
    const i = this.#orders.findIndex((o) => o.id === orderId);
    if (i < 0) return false;
    this.#orders.splice(i, 1);
    return true;
  }

  cancelAll(symbol?: string): number {
    const before = this.#orders.length;
    this.#orders = symbol === undefined ? [] : this.#orders.filter((o) => o.symbol !== symbol);
    return before - this.#orders.length;
  }

  openOrders(): Order[] {
    return this.#orders.map((o) => ({ ...o }));
  }

  /** How many orders are open. */
  openOrderCount(): number {
    return this.#orders.length;
  }

  /** The id the next order placed gets (ids only grow). */
  nextOrderId(): number {
    return this.#nextOrderId;
  }

  /** Ids of the open orders, in placement order. */
  openOrderIds(): number[] {
    return this.#orders.map((o) => o.id);
  }

  log(args: unknown[]): void {
    if (this.logs.length >= this.settings.limits.maxLogLines) {
      this.logsDropped++;
      return;
    }
    this.logs.push({ time: this.time, text: formatLogLine(args, this.settings.limits.maxLogLineChars) });
  }

  plot(name: string, value: number): void {
    this.#plots.add(this.time, name, value);
  }

  /** The plot series as a run returns them (downsampled to `maxPlotPoints` each, the last point kept). */
  plotSeries(): PlotSeries[] {
    return this.#plots.list();
  }

  /** The run's log, with a last line saying how many lines were not kept. */
  logLines(): LogLine[] {
    if (this.logsDropped === 0) return this.logs;
    const max = this.settings.limits.maxLogLines;
    const marker = `[tickline] ${this.logsDropped} more log lines were not kept: a run keeps ${max}`;
    return [...this.logs, { time: this.time, text: marker }];
  }

  #reject(order: Order, why: string): void {
    this.rejectedOrders++;
    this.log([`order ${order.id} (${order.side} ${order.symbol}) rejected: ${why}`]);
  }

  /** Fills what the bar reaches, in the order the orders were placed. */
  #matchOrders(p: Position, open: number, high: number, low: number, time: number): void {
    const orders = this.#orders;
    const { slippage, makerFee, takerFee } = this.settings;
    let kept = 0;
    for (let k = 0; k < orders.length; k++) {
      const o = orders[k]!;
      if (o.symbol !== p.symbol) {
        orders[kept++] = o;
        continue;
      }
      let price: number;
      let feeRate = takerFee;
      if (o.type === 'market') price = slipped(o.side, open, high, low, slippage);
      else {
        price = crossingPrice(o, open, high, low);
        if (price !== price) {
          orders[kept++] = o;
          continue;
        }
        if (o.type === 'stop') price = slipped(o.side, price, high, low, slippage);
        else feeRate = makerFee;
      }
      this.#execute(p, o, price, feeRate, time);
    }
    orders.length = kept;
  }

  #execute(p: Position, o: Order, price: number, feeRate: number, time: number): void {
    const { allowShort, maxLeverage } = this.settings;
    p.mark = price;
    const equity = this.ledger.equity();
    let qty = o.qty;
    if (!(qty > 0)) return this.#reject(o, 'no price to size the percent order when it was placed');
    if (!allowShort && o.side === 'sell') {
      if (p.qty <= 0) return this.#reject(o, 'nothing to sell (shorting is off)');
      if (qty > p.qty) qty = p.qty;
    }
    const signed = o.side === 'buy' ? qty : -qty;
    const after = p.qty + signed;
    if (Math.abs(after) > Math.abs(p.qty)) {
      let othersGross = 0;
      for (const q of this.ledger.list) if (q !== p && q.qty !== 0) othersGross += Math.abs(q.qty) * q.mark;
      const allowedAbs = Math.max(0, (equity * maxLeverage - othersGross) / (price * (1 + feeRate)));
      const flips = p.qty !== 0 && Math.sign(after) !== Math.sign(p.qty);
      const maxQty = flips ? Math.abs(p.qty) + allowedAbs : allowedAbs - Math.abs(p.qty);
      if (qty > maxQty) qty = maxQty;
      if (!(qty > 0)) return this.#reject(o, 'insufficient buying power');
    }
    this.ledger.fill(p, o.side, qty, price, qty * price * feeRate, time, o.reason, this.step);
  }

  /** Runs the strategy over the feeds. */
  run(definition: StrategyDefinition, options: RunOptions = {}): EngineRunResult {
    const def = checkDefinition(definition);
    this.params = Object.freeze(resolveParams(def.params, options.params));
    this.#recordSignals = options.recordSignals === true;
    const warmupUntil = (this.#warmupUntil = options.warmupUntil ?? -Infinity);
    const paused = [...(options.paused ?? [])].sort((a, b) => a.until - b.until);
    let span = 0;
    /** The next span whose start has not been reached (a kill switch's cancels its orders there). */
    let cut = 0;
    const feeds = this.#feeds;
    const F = feeds.length;
    // Execution feed per symbol: its finest interval (the first on ties) fills orders and marks.
    // A feed's interval is its first bar's length here (an empty feed never executes over another).
    const isExec = executionFeeds(feeds, (f) => {
      const c = feeds[f]!.columns;
      return c.closeTime.length > 0 ? c.closeTime[0]! - c.openTime[0]! : Infinity;
    });
    const positions: Position[] = feeds.map((f) => this.ledger.position(f.symbol));
    // The views' series read these cursors: moving one moves what the strategy can see.
    const cursors = this.#cursors;
    const closeTimes = feeds.map((f) => f.columns.closeTime);
    const lengths = Int32Array.from(closeTimes, (c) => c.length);
    let total = 0;
    for (let f = 0; f < F; f++) total += lengths[f]!;
    const allocate = options.allocate ?? ((length: number) => new Float64Array(length));
    const equityTime = allocate(total);
    const equityValue = allocate(total);
    const next = new Int32Array(F);
    const advanced = new Uint8Array(F);
    const init = new InitContext(this);
    const ctx = new StrategyContext(this);
    const initial = def.init === undefined ? undefined : def.init.call(def, init);
    this.state = initial === undefined ? {} : initial;
    const onCandle = def.onCandle;
    const syncOnly = options.synchronousOnly === true;
    const progressEvery = Math.max(1, options.progressEvery ?? 65_536);
    const onProgress = options.onProgress;
    let nextProgress = onProgress === undefined ? -1 : progressEvery;
    let exposed = 0;
    let bars = 0;
    let step = 0;
    const ledger = this.ledger;
    let startTime = Infinity;
    for (const f of feeds)
      if (f.columns.openTime.length > 0) startTime = Math.min(startTime, f.columns.openTime[0]!);
    if (startTime === Infinity) startTime = 0;
    const dd = new DrawdownTracker(this.settings.startingCapital, startTime);
    const held = ledger.list;
    // The hot loop: no allocation, no closures, no Map lookups per bar; equity is summed inline
    // (the same sum as Ledger.equity, in the same order) so no number is boxed per step.
    for (;;) {
      let t = Infinity;
      for (let f = 0; f < F; f++) {
        const i = next[f]!;
        if (i < lengths[f]!) {
          const ct = closeTimes[f]![i]!;
          if (ct < t) t = ct;
        }
      }
      if (t === Infinity) break;
      this.time = t;
      this.step = step;
      // Paused by the kill switch: its working orders were cancelled then, before this bar.
      while (cut < paused.length && t > paused[cut]!.after)
        if (paused[cut++]!.cancelled === true) this.#orders.length = 0;
      for (let f = 0; f < F; f++) {
        const i = next[f]!;
        if (i >= lengths[f]! || closeTimes[f]![i]! !== t) {
          advanced[f] = 0;
          continue;
        }
        advanced[f] = 1;
        if (isExec[f]) {
          const c = feeds[f]!.columns;
          const p = positions[f]!;
          if (this.#orders.length > 0)
            this.#matchOrders(p, c.open[i]!, c.high[i]!, c.low[i]!, c.openTime[i]!);
          p.mark = c.close[i]!;
        }
      }
      let equity = ledger.cash;
      let open = false;
      for (let k = 0; k < held.length; k++) {
        const p = held[k]!;
        if (p.qty !== 0) {
          equity += p.qty * p.mark;
          open = true;
        }
      }
      equityTime[step] = t;
      equityValue[step] = equity;
      if (open) exposed++;
      // One step behind: the last step's equity may still change when positions close at the end.
      if (step > 0) dd.push(equityTime[step - 1]!, equityValue[step - 1]!);
      // A paused live run decided nothing here: its working orders stand as they were.
      while (span < paused.length && t > paused[span]!.until) span++;
      const standing = span < paused.length && t > paused[span]!.after ? this.#orders.slice() : undefined;
      this.#quiet = standing !== undefined;
      for (let f = 0; f < F; f++) {
        if (advanced[f] === 0) continue;
        cursors[f]!.i = next[f]!;
        this.feedIndex = f;
        if (onCandle.call(def, ctx) !== undefined && syncOnly) throw asyncHandlerError();
        next[f]!++;
        bars++;
      }
      // A live run's warm-up orders are not real: they vanish before the next bar could fill them.
      if (t <= warmupUntil) this.#orders.length = 0;
      else if (standing !== undefined) this.#orders = standing;
      step++;
      if (step === nextProgress) {
        nextProgress += progressEvery;
        onProgress!(bars, total);
      }
    }
    this.#quiet = false;
    this.#finish(positions, isExec, step, equityValue);
    if (step > 0) dd.push(equityTime[step - 1]!, equityValue[step - 1]!);
    const time = equityTime.subarray(0, step);
    const value = equityValue.subarray(0, step);
    const metrics = computeMetrics(
      time,
      value,
      ledger,
      this.settings.startingCapital,
      exposed,
      startTime,
      dd.result(),
    );
    onProgress?.(bars, total);
    return {
      metrics,
      trades: ledger.trades,
      tradesTruncated: ledger.tradesTruncated,
      fills: ledger.fills,
      equity: { time, value },
      logs: this.logLines(),
      logsDropped: this.logsDropped,
      plots: this.plotSeries(),
      bars,
      signals: this.signals,
      rejectedOrders: this.rejectedOrders,
      params: { ...this.params },
    };
  }

  /** Expires open orders and, with closeAtEnd, closes positions at their last close. */
  #finish(positions: Position[], isExec: boolean[], steps: number, equityValue: Float64Array): void {
    this.#orders = [];
    if (!this.settings.closeAtEnd || steps === 0) return;
    const feeds = this.#feeds;
    for (let f = 0; f < feeds.length; f++) {
      const p = positions[f]!;
      if (!isExec[f] || p.qty === 0) continue;
      const c = feeds[f]!.columns;
      const last = c.close.length - 1;
      const side: OrderSide = p.qty > 0 ? 'sell' : 'buy';
      const price = slipped(side, c.close[last]!, c.high[last]!, c.low[last]!, this.settings.slippage);
      const qty = Math.abs(p.qty);
      this.ledger.fill(
        p,
        side,
        qty,
        price,
        qty * price * this.settings.takerFee,
        c.closeTime[last]!,
        'end-of-data',
        steps,
      );
    }
    equityValue[steps - 1] = this.ledger.equity();
  }
}

/** Runs `definition` over `feeds` with `settings` on this thread (trusted code only: see sandbox/). */
export function runBacktest(
  definition: StrategyDefinition,
  feeds: readonly Feed[],
  settings: EngineSettings,
  options?: RunOptions,
): EngineRunResult {
  return new Engine(feeds, settings).run(definition, options);
}

/**
 * The quantity of a `percent` order: that share of `equity` at `price` plus the taker fee. Live
 * runs and backtests both size at placement with it (docs/backtesting.md, "Order sizing").
 */
export function sizeForPercent(percent: number, equity: number, price: number, takerFee: number): number {
  return ((percent / 100) * equity) / (price * (1 + takerFee));
}
