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
import type { IndexedCandle } from '@tickline/strategy';
import type { FeedCandle, LiveRunnerOptions, LiveStrategySpec } from './live-runner-types.ts';
import { paperBar } from './market-prices.ts';
import { storedHistory } from './run-restore.ts';
import { feedKey } from './runs-by-feed.ts';

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

/** Whether `order` is one of the strategy's in the portfolio `spec` names: what a hold holds. */
function ofStrategy(order: VenueOrder, spec: Pick<LiveStrategySpec, 'portfolioId' | 'strategyId'>): boolean {
  return (
    order.portfolioId === spec.portfolioId &&
    order.origin?.kind === 'strategy' &&
    order.origin.strategyId === spec.strategyId
  );
}

/** Live candles kept per feed for runs catching up: more than close during one catch-up's reads. */
const RECENT_PER_FEED = 64;

/**
 * The last live candles of each feed, as waves offer them (before the venue fills with them). A
 * run catching up decides from them what the store does not have yet: a live candle offered while
 * it caught up passed its orders over, and the store writes a closed candle a moment after the
 * live feed delivers it — without them the catch-up ended with that candle neither decided from
 * the store nor live, or decided live without its fills.
 */
export class RecentCandles {
  readonly #byFeed = new Map<string, FeedCandle[]>();

  add(candle: FeedCandle): void {
    const key = feedKey(candle);
    let kept = this.#byFeed.get(key);
    if (kept === undefined) this.#byFeed.set(key, (kept = []));
    const last = kept.at(-1);
    if (last === undefined || candle.closeTime > last.closeTime) kept.push(candle);
    // Late or again (a redelivery): kept in close-time order, once.
    else if (kept.some((c) => c.closeTime === candle.closeTime)) return;
    else kept.splice(kept.findIndex((c) => c.closeTime > candle.closeTime), 0, candle);
    if (kept.length > RECENT_PER_FEED) kept.shift();
  }

  /** Candles of `feeds` closing after `after(k)` for feed index k, oldest first. */
  after(
    feeds: ReadonlyArray<{ symbol: string; interval: string }>,
    after: (k: number) => number,
  ): Array<FeedCandle & { k: number }> {
    const found: Array<FeedCandle & { k: number }> = [];
    feeds.forEach((f, k) => {
      for (const c of this.#byFeed.get(feedKey(f)) ?? []) if (c.closeTime > after(k)) found.push({ ...c, k });
    });
    return found.sort((a, b) => a.closeTime - b.closeTime || a.k - b.k);
  }
}

/** What a catch-up needs of the runner. */
export interface CatchUpContext {
  options: Pick<LiveRunnerOptions, 'clock' | 'history' | 'paper' | 'desk'>;
  /** Live candles offered so far, newest kept per feed. */
  recent: RecentCandles;
  /** Whether the run is still the one the runner holds, running. */
  current(run: LiveRun): boolean;
  /** Decides one candle (claimed by close time: none is decided twice). */
  step(run: LiveRun, candle: FeedCandle): Promise<void>;
}

/**
 * Decides the candles after `from` the run has not decided (a new run: after its warm-up): the
 * stored ones, reading the store until nothing is newer, then the live ones offered meanwhile
 * that the store does not have yet — each after its bar filled the run's working orders. Once
 * neither has a newer candle it `release`s its orders to live bars in the same turn, so a live
 * candle is either among those decided here or offered after the release, decided live.
 */
export async function catchUp(
  ctx: CatchUpContext,
  run: LiveRun,
  from: number,
  resumeAfter: number | undefined,
  release: () => void,
): Promise<void> {
  const { spec } = run;
  const after = (k: number) =>
    Math.max(
      run.status.lastCandleTime ?? -Infinity,
      resumeAfter ?? -Infinity,
      run.warmupEnds?.[k] ?? -Infinity,
    );
  const decide = async (candles: readonly IndexedCandle[]): Promise<number> => {
    let stepped = 0;
    for (const c of candles)
      if (c.closeTime > after(c.k) && ctx.current(run)) {
        const feed = spec.feeds[c.k]!;
        const candle = { ...c, symbol: feed.symbol, interval: feed.interval };
        await fillPast(ctx.options, run, candle);
        await ctx.step(run, candle);
        stepped++;
      }
    return stepped;
  };
  for (;;) {
    if ((await decide(await storedHistory(ctx.options, spec, from))) > 0) continue;
    // No await between reading the live candles and the release: a wave offers its candle
    // (RecentCandles.add) either before this read, or after the release.
    const live = ctx.recent.after(spec.feeds, after);
    if (live.length === 0 || !ctx.current(run)) break;
    await decide(live);
  }
  run.catchingUp = false;
  release();
}

/**
 * A stored candle about to be decided: its bar fills the run's working orders first, and the run
 * learns its fills (the desk's events) before it decides — else every decision of the burst sees
 * the orders of the one before unfilled. Its working orders are those live bars pass over while it
 * catches up ({@link OrderHolds}: every order of its strategy in its portfolio), and those it placed
 * itself (a force exit's). Picking only the ones its engine knows left the others — placed before
 * the run's orders begin (`ordersSince`), or by an older version — filled by no bar at all while
 * it caught up: a run late on every wave of a busy machine never filled them.
 */
async function fillPast(
  o: Pick<LiveRunnerOptions, 'paper' | 'desk'>,
  run: LiveRun,
  candle: FeedCandle,
): Promise<void> {
  if (o.paper === undefined) return;
  const changed = await o.paper.onPastBar(
    paperBar(candle),
    (order) => run.byClientId.has(order.clientOrderId) || ofStrategy(order, run.spec),
  );
  await Promise.all(changed.map((order) => o.desk.applyUpdate(order)));
}
