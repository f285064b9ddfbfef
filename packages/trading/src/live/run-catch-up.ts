/**
 * @module A run's catch-up: the candles that closed while no process decided it — its process
 * down or starting, its sandbox being replaced, its warm-up running — decided from the store one
 * after the other, each after its bar filled the run's working orders, as the live wave would have
 * when it closed. Meanwhile the paper venue passes the run's orders over on live bars
 * ({@link OrderHolds}): the live bar is later than the bar they are owed. A module of its own
 * because it is the one place where stored bars fill orders.
 */
import type { Order as VenueOrder } from '../broker/order.ts';
import type { LiveRun } from './live-run.ts';
import type { FeedCandle, LiveRunnerOptions, LiveStrategySpec } from './live-runner-types.ts';
import { paperBar } from './market-prices.ts';
import { storedHistory } from './run-restore.ts';

/**
 * Runs whose orders live bars pass over, as counted holds by `portfolioId\u0000strategyId`: a sync
 * holds the runs it is about to start before it takes their orders over, an enable holds its run
 * until its catch-up has read the store to the end.
 */
export class OrderHolds {
  readonly #held = new Map<string, number>();

  /** Holds the orders of the run `spec` describes until the returned release is called (once). */
  hold(spec: Pick<LiveStrategySpec, 'portfolioId' | 'strategyId'>): () => void {
    const key = `${spec.portfolioId}\u0000${spec.strategyId}`;
    this.#held.set(key, (this.#held.get(key) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = this.#held.get(key)! - 1;
      if (left === 0) this.#held.delete(key);
      else this.#held.set(key, left);
    };
  }

  /** Whether live bars pass over `order` for now (the paper venue's `held`). */
  holds(order: VenueOrder): boolean {
    if (this.#held.size === 0 || order.origin?.kind !== 'strategy') return false;
    return this.#held.has(`${order.portfolioId}\u0000${order.origin.strategyId}`);
  }
}

/** What a catch-up needs of the runner. */
export interface CatchUpContext {
  options: Pick<LiveRunnerOptions, 'clock' | 'history' | 'paper' | 'desk'>;
  /** Whether the run is still the one the runner holds, running. */
  current(run: LiveRun): boolean;
  /** Decides one candle (claimed by close time: none is decided twice). */
  step(run: LiveRun, candle: FeedCandle): Promise<void>;
}

/**
 * Decides the stored candles after `from` the run has not decided (a new run: after its warm-up),
 * reading the store until nothing is newer; then `release`s its orders to live bars — live
 * candles decide it from the next one on — and reads once more for a candle stored meanwhile.
 */
export async function catchUp(
  ctx: CatchUpContext,
  run: LiveRun,
  from: number,
  resumeAfter: number | undefined,
  release: () => void,
): Promise<void> {
  const { spec } = run;
  const pass = async (): Promise<number> => {
    let stepped = 0;
    const last = run.status.lastCandleTime ?? -Infinity;
    for (const c of await storedHistory(ctx.options, spec, from))
      if (
        c.closeTime > Math.max(last, resumeAfter ?? -Infinity, run.warmupEnds?.[c.k] ?? -Infinity) &&
        ctx.current(run)
      ) {
        const feed = spec.feeds[c.k]!;
        const candle = { ...c, symbol: feed.symbol, interval: feed.interval };
        await fillPast(ctx.options, run, candle);
        await ctx.step(run, candle);
        stepped++;
      }
    return stepped;
  };
  while ((await pass()) > 0);
  run.catchingUp = false;
  release();
  await pass();
}

/**
 * A stored candle about to be decided: its bar fills the run's working orders first, and the run
 * learns its fills (the desk's events) before it decides — else every decision of the burst sees
 * the orders of the one before unfilled.
 */
async function fillPast(
  o: Pick<LiveRunnerOptions, 'paper' | 'desk'>,
  run: LiveRun,
  candle: FeedCandle,
): Promise<void> {
  if (o.paper === undefined || run.byClientId.size === 0) return;
  const changed = await o.paper.onPastBar(paperBar(candle), (order) =>
    run.byClientId.has(order.clientOrderId),
  );
  await Promise.all(changed.map((order) => o.desk.applyUpdate(order)));
}
