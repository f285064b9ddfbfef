/**
 * @module Replays a live paper run through the backtest engine and reports parity. The replay takes
 * the run's version, parameters, feeds and engine settings; its warm-up is the run's (the last
 * candles of each feed it warmed up on — its `warmup` windows, or for runs stored before those
 * were kept the last `warmupBars` closed by its enable time — shown with their orders dropped:
 * `RunOptions.warmupUntil`), then every candle up to the last one the run decided. The
 * engine's own matcher fills the replay's orders with the fill model the paper venue uses, so the
 * strategy's position and equity read the same on both sides — unless something differs, which is
 * what the report is for. A run paused and resumed skipped the candles of its pause: the replay
 * shows the strategy those candles and undoes what it places or cancels on them
 * (`RunOptions.paused`), while the orders working at the pause go on filling, as at the venue —
 * until a kill switch cancelled them: the journal's venue-confirmed cancel cuts the span at its
 * time and the replay's orders are cancelled there too ({@link cutAtSwitchCancels}).
 * After a resume the live strategy starts again from a warm-up on the stored candles, as after a
 * restart, and the replay goes on with the state it had: the two agree when the strategy's state
 * comes from the candles its warm-up covers (indicators), as every template's does.
 */
import { TicklineError } from '@tickline/kernel';
import { INTERVAL_MS } from '@tickline/market';
import type { Order as VenueOrder } from '../broker/order.ts';
import type {
  BacktestJob,
  CandleColumns,
  EngineRunResult,
  EngineSettings,
  Feed,
  LiveCandle,
  LiveFeed,
  PausedSpan,
} from '@tickline/strategy';
import type { CandleHistory } from '../live/live-runner-types.ts';
import type { WarmupWindow } from '../live/live-runner-types.ts';
import type { LivePausedSpan } from '../live/live-store.ts';
import { liveDecisions, replayDecisions } from './parity-decisions.ts';
import { compareDecisions, type ParityReport } from './parity-report.ts';
import './errors.ts';

/** Candles of one feed a replay covers at most (warm-up included): the candle history's page. */
export const MAX_PARITY_CANDLES = 5_000;

/** What a parity report needs of a live run. */
export interface ParityRun {
  id: string;
  strategyId: string;
  version: number;
  params: Record<string, unknown>;
  feeds: readonly LiveFeed[];
  warmupBars: number;
  /** When this version of the run was enabled (epoch ms): its warm-up closed by then. */
  enabledAt: number;
  /** Close time of the last candle the run decided (its checkpoint). */
  decidedUntil: number;
  /**
   * Per feed, the candles it warmed up on (the live store's `warmup`): its warm-up, and the split
   * between warm-up and decisions. Runs stored before they were kept split at `enabledAt`.
   */
  warmup?: ReadonlyArray<WarmupWindow | null>;
  /** The spans it was paused in since this enable (the live store's `paused`). */
  paused?: ReadonlyArray<LivePausedSpan>;
}

export interface ParityReplayOptions {
  run: ParityRun;
  /** The run's engine settings, its starting capital the portfolio's equity when it was enabled. */
  settings: EngineSettings;
  /** The market's stored candles (the runner's warm-up source). */
  history: CandleHistory;
  /** The run's orders from its enable time on (the order journal's `ofStrategy`). */
  orders: readonly VenueOrder[];
  /** Runs the replay: the stored version's code in its owner's sandbox. */
  execute: (job: Omit<BacktestJob, 'code'>) => Promise<EngineRunResult>;
}

const COLUMNS = ['openTime', 'closeTime', 'open', 'high', 'low', 'close', 'volume'] as const;

function columnsOf(candles: readonly LiveCandle[]): CandleColumns {
  const columns = {} as CandleColumns;
  for (const name of COLUMNS) columns[name] = Float64Array.from(candles, (c) => c[name]);
  return columns;
}

function unavailable(reason: string, details?: Record<string, unknown>): TicklineError {
  return new TicklineError('STRATEGY_PARITY_UNAVAILABLE', reason, details ? { details } : undefined);
}

/** Where feed `k`'s warm-up ends and its decisions start. */
function splitOf(run: ParityRun, k: number): number {
  return run.warmup?.[k]?.to ?? run.enabledAt;
}

/** The candles of one feed the run saw: its warm-up, then those it decided. */
async function feedCandles(o: ParityReplayOptions, feed: LiveFeed, k: number) {
  const { run } = o;
  const window = run.warmup?.[k];
  const split = splitOf(run, k);
  const step = INTERVAL_MS[feed.interval as keyof typeof INTERVAL_MS] ?? 60_000;
  // Kept windows say where the warm-up began; before them, the last `warmupBars` before the split.
  const count = window
    ? Math.ceil((run.decidedUntil - (window.from ?? window.to)) / step) + 1
    : run.warmupBars + Math.ceil((run.decidedUntil - split) / step) + 1;
  if (count > MAX_PARITY_CANDLES)
    throw unavailable(`the run covers more than ${MAX_PARITY_CANDLES} ${feed.interval} candles`, {
      maxCandles: MAX_PARITY_CANDLES,
    });
  const candles = await o.history(feed.symbol, feed.interval, count, run.decidedUntil);
  const before = candles.filter((c) => c.closeTime <= split);
  const warmup = window
    ? window.from === undefined
      ? []
      : before.filter((c) => c.closeTime >= window.from!)
    : // `slice(-0)` would be every candle: a run enabled without warm-up saw none.
      run.warmupBars > 0
      ? before.slice(-run.warmupBars)
      : [];
  const acted = candles.filter((c) => c.closeTime > split && c.closeTime <= run.decidedUntil);
  return { warmup, acted };
}

/** The `detail` the order desk gives the orders a kill switch cancelled (order-desk.ts `cancelAll`). */
const SWITCH_CANCEL = 'kill switch';

/**
 * The paused spans with the kill switch's cancels of the run's orders as the journal holds them
 * (confirmed by the venue, with its time): a span the switch's cancel falls in is cut there, and
 * its part after the cut cancels the replay's working orders — so they stand, and may fill, until
 * the switch's time and never after it, as at the venue. That holds however the run came to be
 * paused (by the switch, by its owner before the switch, for CPU). A span with no such cancel keeps
 * what the store recorded of it.
 */
export function cutAtSwitchCancels(
  spans: ReadonlyArray<{ after: number; until: number; cancelled?: boolean }>,
  orders: readonly VenueOrder[],
): PausedSpan[] {
  const cancels = orders
    .filter((o) => o.status === 'cancelled' && o.detail === SWITCH_CANCEL)
    .map((o) => o.updatedAt)
    .sort((a, b) => a - b);
  return spans.flatMap((span) => {
    const at = cancels.find((t) => t > span.after && t <= span.until);
    if (at === undefined) return [span];
    return [
      { after: span.after, until: at },
      { after: at, until: span.until, cancelled: true },
    ];
  });
}

/** The close time of the newest candle read for any feed. */
function newestClose(
  feeds: ReadonlyArray<{ warmup: ReadonlyArray<{ closeTime: number }>; acted: ReadonlyArray<{ closeTime: number }> }>,
): number {
  let newest = -Infinity;
  for (const f of feeds)
    for (const c of [f.warmup.at(-1), f.acted.at(-1)]) if (c && c.closeTime > newest) newest = c.closeTime;
  return newest;
}

/** See the module comment. */
export async function replayParity(options: ParityReplayOptions): Promise<ParityReport> {
  const o = options;
  const splits = o.run.feeds.map((_, k) => splitOf(o.run, k));
  if (!(o.run.decidedUntil > Math.min(...splits)))
    throw unavailable('the run has decided no candle since it was enabled');
  const read = await Promise.all(o.run.feeds.map((f, k) => feedCandles(o, f, k)));
  // The store records candles asynchronously: a run can have decided on one it has not written yet.
  // Both sides stop at the newest candle stored, and the journal (read after the run's status) can
  // hold orders of candles decided since: they are the next report's.
  const decidedUntil = Math.min(o.run.decidedUntil, newestClose(read));
  const run = { ...o.run, decidedUntil };
  const perFeed = read.map((f) => ({ ...f, acted: f.acted.filter((c) => c.closeTime <= decidedUntil) }));
  const live = liveDecisions(o.orders, run.id, run.version).filter((d) => d.candleCloseTime <= decidedUntil);
  const feeds: Feed[] = run.feeds.map((f, k) => ({
    symbol: f.symbol,
    interval: f.interval,
    columns: columnsOf([...perFeed[k]!.warmup, ...perFeed[k]!.acted]),
  }));
  // A span paused before it decided anything starts where its decisions would have.
  const from = Math.max(...splits);
  const paused = cutAtSwitchCancels(
    (run.paused ?? []).map((p) => ({
      after: Math.max(p.after ?? from, from),
      until: p.until,
      ...(p.cancelled === true ? { cancelled: true } : {}),
    })),
    o.orders,
  );
  const skipped = (t: number) => paused.some((p) => t > p.after && t <= p.until);
  const result = await o.execute({
    feeds,
    // Nothing is closed at the end: the run is not over, and closing is not a decision it made.
    settings: { ...o.settings, closeAtEnd: false },
    params: run.params,
    recordSignals: true,
    // One time for every feed: the latest split (they differ only by a candle that closed before
    // the warm-up read but was not stored yet, on a feed coarser than another).
    warmupUntil: from,
    ...(paused.length === 0 ? {} : { paused }),
    equityPoints: 2,
  });
  const pausedCandles = perFeed.reduce((n, f) => n + f.acted.filter((c) => skipped(c.closeTime)).length, 0);
  const window = {
    fromMs: Math.min(...splits),
    toMs: run.decidedUntil,
    candles: perFeed.reduce((n, f) => n + f.acted.length, 0) - pausedCandles,
    warmupCandles: perFeed.reduce((n, f) => n + f.warmup.length, 0),
    pausedCandles,
  };
  return compareDecisions(
    { runId: run.id, strategyId: run.strategyId, version: run.version, window },
    live,
    replayDecisions(result.signals, feeds, o.settings.takerFee),
  );
}
