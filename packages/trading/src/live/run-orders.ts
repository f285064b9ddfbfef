/**
 * @module A live run's orders at the desk: the orders a step placed and cancelled sent through the
 * desk with a client order id keyed by (strategy, version, candle close time, leg) — deciding
 * again on the same candle asks for the same ids, so nothing is placed twice — with the signal
 * event each one is; and the desk's events of those orders booked back into the run's engine. A
 * module of its own because the client-order-id maps change only here and with the order events.
 */
import { forceExitClientOrderId, strategyClientOrderId } from '../broker/client-order-id.ts';
import type { Order } from '../broker/order.ts';
import type { OrderLifecycleEvent } from '../broker/order-transitions.ts';
import type { LiveMetrics } from './live-metrics.ts';
import type { LiveOrder, LiveSessionStep, RecordedFill } from '@tickline/strategy';
import { StrategySignal, type StrategySignalData } from './live-events.ts';
import { DEFAULT_KEEP_LOGS, keepLogs, type LiveRun, MAX_RECORDED_FILLS } from './live-run.ts';
import { bookPosition, isEntry } from './run-exit.ts';
import type { FeedCandle, LiveRunnerOptions } from './live-runner-types.ts';

/** The runner's options the order routing uses. */
export type RunOrdersOptions = Pick<LiveRunnerOptions, 'desk' | 'publish' | 'source' | 'keepSignals'>;

/** See the module comment. */
export class RunOrders {
  readonly #o: RunOrdersOptions;
  readonly #metrics: LiveMetrics | undefined;
  /** Runs by client order id, for the fills the desk reports. */
  readonly #byOrder = new Map<string, LiveRun>();
  /** Placements under way by client order id: a cancel waits until its order reached the venue. */
  readonly #placing = new Map<string, Promise<unknown>>();

  constructor(options: RunOrdersOptions, metrics: LiveMetrics | undefined) {
    this.#o = options;
    this.#metrics = metrics;
  }

  /** The run that placed the order `clientOrderId`, if one here did. */
  runOf(clientOrderId: string): LiveRun | undefined {
    return this.#byOrder.get(clientOrderId);
  }

  /** Routes the desk's events of the run's working orders to it (it started, or took them over). */
  track(run: LiveRun): void {
    for (const id of run.byClientId.keys()) this.#byOrder.set(id, run);
  }

  /** Stops routing the run's orders (it stopped here; its orders stay at the venue). */
  untrack(run: LiveRun): void {
    for (const id of run.byClientId.keys()) this.#byOrder.delete(id);
  }

  /** An order event of one of `run`'s orders, applied to its engine and its records. */
  apply(run: LiveRun, event: OrderLifecycleEvent): void {
    const order = run.byClientId.get(event.data.clientOrderId);
    if (order === undefined) return;
    if (event.type === 'order.filled') {
      const d = event.data;
      const fill: RecordedFill = [
        d.symbol,
        d.side,
        d.fill.quantity,
        d.fill.price,
        d.fill.fee,
        d.fill.time,
        order.reason,
      ];
      run.session.applyFill(...fill);
      if (run.fills.length < MAX_RECORDED_FILLS) run.fills.push(fill);
      else run.fillsTruncated = true;
      bookPosition(run, d.symbol, d.side === 'buy' ? d.fill.quantity : -d.fill.quantity);
      if (!d.partial) this.#forget(run, order);
    } else if (event.type === 'order.cancelled' || event.type === 'order.rejected') {
      this.#forget(run, order);
    }
  }

  /** Sends a step's cancels, then its new orders (legs in the order the strategy placed them). */
  async act(run: LiveRun, step: LiveSessionStep, candle: FeedCandle): Promise<void> {
    for (const id of step.cancelled) {
      const clientOrderId = run.byEngineId.get(id);
      if (clientOrderId !== undefined) await this.cancel(run, clientOrderId, 'strategy');
    }
    // Legs count on across the run's feeds whose candles close at the same time (decided in feed
    // order, the same order after a restart): each order of that close time gets its own id.
    const legs =
      run.legs?.closeTime === candle.closeTime
        ? run.legs
        : (run.legs = { closeTime: candle.closeTime, next: 0 });
    for (const order of step.placed) await this.#place(run, order, candle, legs.next++);
  }

  /**
   * Cancels the run's working order `clientOrderId` at the desk; `detail` says who asked. An order
   * the run is still placing is cancelled once the venue has it: asked before, the venue knew no
   * such order (`STRATEGY_BROKER_ORDER_NOT_FOUND`) and the entry a force exit meant to stop filled
   * after it. Undefined when the order ended meanwhile (rejected, or filled in full).
   */
  async cancel(run: LiveRun, clientOrderId: string, detail: string): Promise<Order | undefined> {
    await this.#placing.get(clientOrderId)?.catch(() => undefined);
    const order = run.byClientId.get(clientOrderId);
    if (order === undefined) return undefined;
    return this.#o.desk.cancel(
      { portfolioId: run.spec.portfolioId, symbol: order.symbol, clientOrderId },
      detail,
    );
  }

  /**
   * Places `order` (a force exit's, run-exit.ts) for `userId` at market as a manual order whose
   * fill is booked in the run's engine like its own; `key` makes its client order id.
   */
  async placeExit(run: LiveRun, order: LiveOrder, userId: string, key: string): Promise<Order> {
    const clientOrderId = forceExitClientOrderId(run.spec.id, userId, `${order.symbol}|${key}`);
    run.byEngineId.set(order.id, clientOrderId);
    run.byClientId.set(clientOrderId, order);
    this.#byOrder.set(clientOrderId, run);
    return this.#o.desk.place({
      portfolioId: run.spec.portfolioId,
      clientOrderId,
      symbol: order.symbol,
      side: order.side,
      type: 'market',
      quantity: order.qty,
      // Filled by the run's own bars: on a paper venue a 1 s run's forced sale fills within a
      // second, not at the venue's default (1 m) bar, after the run may have sold by itself.
      origin: { kind: 'manual', userId, fillInterval: run.fillIntervals.get(order.symbol) },
    });
  }

  #forget(run: LiveRun, order: LiveOrder): void {
    run.session.orderDone(order.id);
    const clientOrderId = run.byEngineId.get(order.id);
    run.byEngineId.delete(order.id);
    if (clientOrderId !== undefined) {
      run.byClientId.delete(clientOrderId);
      this.#byOrder.delete(clientOrderId);
    }
  }

  async #place(run: LiveRun, order: LiveOrder, candle: FeedCandle, leg: number): Promise<void> {
    const { spec, session } = run;
    // Percent orders come sized: the engine sizes them when placed, as in a backtest (one rule:
    // the equity and the symbol's last close then, core/engine.ts `sizeForPercent`).
    const quantity = order.qty;
    // A sell past the position is the venue's to clamp when it fills (the paper venue does it as
    // the backtest does); clamping here would drop a stop placed with the buy it protects.
    if (!(quantity > 0)) {
      session.orderDone(order.id);
      return;
    }
    // In stop-entry, or while a feed it reads is unhealthy (run-health.ts), its exits go on; an
    // order that would open or grow a position is dropped here, before any id or signal, and the
    // strategy sees it done (run-exit.ts).
    const held =
      run.status.stopEntry === true ? 'stop-entry' : run.status.dataHealth ? 'data-health' : undefined;
    if (held !== undefined && isEntry(run, order)) {
      session.orderDone(order.id);
      const text = `${held}: ${order.side} ${+quantity.toPrecision(8)} ${order.symbol} not placed`;
      keepLogs(run, [{ time: candle.closeTime, text }], DEFAULT_KEEP_LOGS);
      return;
    }
    const clientOrderId = strategyClientOrderId({
      strategyId: spec.id,
      version: spec.version,
      candleCloseTime: candle.closeTime,
      leg,
    });
    run.byEngineId.set(order.id, clientOrderId);
    run.byClientId.set(clientOrderId, order);
    this.#byOrder.set(clientOrderId, run);
    // What the signal announces is what the desk is asked to place.
    const placed = {
      portfolioId: spec.portfolioId,
      clientOrderId,
      symbol: order.symbol,
      side: order.side,
      type: order.type,
      quantity,
      ...(order.type === 'market' ? {} : { price: order.price }),
    };
    const signal: StrategySignalData = {
      strategyId: spec.strategyId,
      ...(run.name === undefined ? {} : { strategyName: run.name }),
      version: spec.version,
      userId: spec.userId,
      candleCloseTime: candle.closeTime,
      ...placed,
      reason: order.reason,
    };
    run.status.signals++;
    this.#metrics?.signals.inc({ side: order.side });
    run.status.lastSignals.push(signal);
    if (run.status.lastSignals.length > (this.#o.keepSignals ?? 20)) run.status.lastSignals.shift();
    this.#o.publish(this.#o.source.create(StrategySignal, { subject: spec.strategyId, data: signal }));
    const placing = this.#o.desk.place({
      ...placed,
      origin: {
        kind: 'strategy',
        strategyId: spec.strategyId,
        version: spec.version,
        candleCloseTime: candle.closeTime,
        // The paper venue fills it with the next bar of this interval, as the backtest does.
        fillInterval: run.fillIntervals.get(order.symbol),
      },
    });
    this.#placing.set(clientOrderId, placing);
    try {
      await placing;
    } finally {
      this.#placing.delete(clientOrderId);
    }
  }
}
