/**
 * @module The data-health interlock inside the runner: every closed candle goes through the state
 * machine (data-health.ts) before the runs see it, and a beat checks for stale feeds. When a feed
 * turns unhealthy or healthy again, each run that reads it gets its `dataHealth` set or cleared
 * (its entries are refused meanwhile, run-orders.ts) and each owner of such runs gets one
 * `strategy.live.data.health` event (notify makes it a notification). A run's step carries the
 * flag to its strategy (`ctx.dataHealthy`).
 */
import type { Clock, EventEnvelope, EventSource } from '@tickline/kernel';
import { DataHealth, type DataHealthSettings, type FeedHealthChange } from './data-health.ts';
import { StrategyLiveDataHealth } from './live-events.ts';
import type { LiveRun } from './live-run.ts';
import type { FeedCandle } from './live-runner-types.ts';

/** What the interlock needs of the runner. */
export interface RunHealthContext {
  clock: Clock;
  publish: (event: EventEnvelope) => void;
  source: EventSource;
  /** The runner's runs now. */
  runs: () => Iterable<LiveRun>;
}

const reads = (run: LiveRun, change: { symbol: string; interval: string }) =>
  run.spec.feeds.some((f) => f.symbol === change.symbol && f.interval === change.interval);

/** See the module comment. */
export class RunHealth {
  readonly #health: DataHealth;
  readonly #c: RunHealthContext;

  constructor(settings: DataHealthSettings, context: RunHealthContext) {
    this.#health = new DataHealth(settings);
    this.#c = context;
  }

  /** Takes a wave's candles before the runs are asked. */
  observe(candles: readonly FeedCandle[]): void {
    const now = this.#c.clock.now();
    for (const candle of candles) {
      const change = this.#health.observe(candle, now);
      if (change !== undefined) this.#changed(change);
    }
  }

  /** Turns feeds without a candle for too long stale (the composition's beat calls it). */
  check(): void {
    for (const change of this.#health.check(this.#c.clock.now())) this.#changed(change);
  }

  /** Sets or clears `run.status.dataHealth` from its feeds as they are now. */
  apply(run: LiveRun): void {
    const feeds = run.spec.feeds.map((f) => this.#health.of(f.symbol, f.interval)).filter((h) => !h.healthy);
    if (feeds.length > 0) run.status.dataHealth = { healthy: false, feeds };
    else delete run.status.dataHealth;
  }

  /**
   * A run that starts here: held from its first candle when a feed it reads is unhealthy now, and
   * its owner told (the feed turned before the run existed, so no change will say it) unless
   * `quiet` (a run reopened in place of one already told).
   */
  started(run: LiveRun, quiet: boolean): void {
    this.apply(run);
    if (quiet) return;
    for (const feed of run.status.dataHealth?.feeds ?? [])
      this.#tell(run.spec.userId, [run.spec.id], { ...feed, at: this.#c.clock.now() });
  }

  #changed(change: FeedHealthChange): void {
    const byUser = new Map<string, string[]>();
    for (const run of this.#c.runs()) {
      if (!reads(run, change)) continue;
      this.apply(run);
      const ids = byUser.get(run.spec.userId);
      if (ids === undefined) byUser.set(run.spec.userId, [run.spec.id]);
      else ids.push(run.spec.id);
    }
    // One event per owner (not per run): thousands of runs may read one feed.
    for (const [userId, runIds] of byUser) this.#tell(userId, runIds, change);
  }

  #tell(userId: string, runIds: string[], change: FeedHealthChange): void {
    this.#c.publish(
      this.#c.source.create(StrategyLiveDataHealth, {
        subject: userId,
        data: {
          userId,
          runIds,
          symbol: change.symbol,
          interval: change.interval,
          healthy: change.healthy,
          ...(change.problem === undefined ? {} : { problem: change.problem }),
          ...(change.detail === undefined ? {} : { detail: change.detail }),
          at: change.at,
        },
      }),
    );
  }
}

/** The candle as `run` is shown it: flagged when one of its feeds is unhealthy. */
export function candleFor(run: LiveRun, candle: FeedCandle): FeedCandle {
  return run.status.dataHealth === undefined ? candle : { ...candle, dataHealthy: false };
}
