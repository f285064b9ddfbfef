/**
 * @module The parity report as a server makes it: the stored run (its enable time, checkpoint,
 * parameters, feeds and warm-up), its orders from the journal, the stored version's code replayed
 * in its owner's sandbox with the owner's backtest limits, and the run's starting capital — the
 * portfolio's equity when the run was enabled, which percent orders were sized from.
 *
 * A replay is a backtest: it is metered as one (`meter`: the owner's backtests per day and at
 * once, one replay at a time, run as one of the backtest queue's jobs), and its report is kept
 * for the same run, enable, version and last decided candle, so asking again before the run
 * decides another candle costs nothing. Eleven
 * parallel parity calls once ran outside every quota and held a neighbour's 1 s backtest for 96 s.
 */
import { TicklineError } from '@tickline/kernel';
import type { OrderJournal } from '../broker/order-journal.ts';
import type {
  BacktestRunner,
  EngineSettings,
  ReplayMeter,
  ReplayOwner,
  SandboxLimits,
} from '@tickline/strategy';
import type { CandleHistory } from '../live/live-runner-types.ts';
import type { LiveRunStatus } from '../live/live-runner-types.ts';
import type { StoredLiveRun } from '../live/live-store.ts';
import { replayParity } from './parity-replay.ts';
import type { ParityReport } from './parity-report.ts';

export interface ParityServiceOptions {
  /** The stored run (the live store's `get`). */
  stored: (id: string) => Promise<StoredLiveRun | undefined>;
  journal: Pick<OrderJournal, 'ofStrategy'>;
  history: CandleHistory;
  /** The stored version's compiled code (the owner's). */
  code: (userId: string, strategyId: string, version: number) => Promise<string>;
  /** The engine settings a run of the user gets, its capital replaced by `startingCapital`. */
  settings: (userId: string) => EngineSettings;
  /** The portfolio's equity at `atMs` (its equity history), undefined when unknown. */
  equityAt: (portfolioId: string, atMs: number) => Promise<number | undefined>;
  run: BacktestRunner;
  /** The backtest sandbox limits of the owner's tier (a replay is one backtest). */
  limits: (tier: string) => SandboxLimits;
  /** Takes the replay from the owner's backtest quotas (STRATEGY_QUOTA_* when spent); none in tests. */
  meter?: ReplayMeter;
  /** Reports kept for asking again. @default DEFAULT_KEPT_REPORTS */
  keptReports?: number;
}

/** Reports kept (the oldest leaves first): one per live run of a few hundred users. */
export const DEFAULT_KEPT_REPORTS = 512;

const runNow = <T>(replay: (signal: AbortSignal) => Promise<T>) => replay(new AbortController().signal);
const unmetered: ReplayMeter = (_owner, _version, replay) => runNow(replay);

/** Returns what the live routes' `parity` option calls. */
export function createParityService(o: ParityServiceOptions) {
  const kept = new Map<string, Promise<ParityReport>>();
  const keep = (key: string, report: Promise<ParityReport>) => {
    kept.set(key, report);
    if (kept.size > (o.keptReports ?? DEFAULT_KEPT_REPORTS)) kept.delete(kept.keys().next().value!);
    // A refusal or a failure is not kept: asking again tries again (and is metered again).
    void report.catch(() => kept.get(key) === report && kept.delete(key));
    return report;
  };
  const meter = o.meter ?? unmetered;
  /**
   * `system`: the platform's own check (parity-monitor.ts), not the owner's: it is not taken from
   * their backtest quotas, but waits for a backtest queue worker as theirs do (`meter.platform`).
   */
  return async (status: LiveRunStatus, version?: number, system = false): Promise<ParityReport> => {
    const stored = await o.stored(status.id);
    const enabledAt = stored?.enabledAt;
    // The stored checkpoint, or where this process's runner got to with its orders placed (it
    // checkpoints after candle waves). Not the candle it claimed: its orders may still be going out.
    const decidedUntil = Math.max(stored?.checkpointMs ?? -Infinity, status.settledCandleTime ?? -Infinity);
    const decidedFrom = Math.min(
      enabledAt ?? Infinity,
      ...(stored?.warmup ?? []).map((w) => w?.to ?? Infinity),
    );
    if (stored === undefined || enabledAt === undefined || !(decidedUntil > decidedFrom))
      throw new TicklineError(
        'STRATEGY_PARITY_UNAVAILABLE',
        'the run has decided no candle since it was enabled',
      );
    const replayed = version ?? stored.version;
    const key = JSON.stringify([stored.id, enabledAt, decidedUntil, replayed]);
    const known = kept.get(key);
    if (known !== undefined) return known;
    const owner = { userId: stored.userId, tier: stored.tier as ReplayOwner['tier'] };
    const target = { strategyId: stored.strategyId, version: replayed, purpose: 'parity' };
    const replay = (signal?: AbortSignal) =>
      report(stored, enabledAt, decidedUntil, decidedFrom, replayed, signal);
    return keep(key, system ? (meter.platform ?? runNow)(replay) : meter(owner, target, replay));
  };

  async function report(
    stored: StoredLiveRun,
    enabledAt: number,
    decidedUntil: number,
    decidedFrom: number,
    replayed: number,
    signal?: AbortSignal,
  ): Promise<ParityReport> {
    const code = await o.code(stored.userId, stored.strategyId, replayed);
    const base = o.settings(stored.userId);
    // What its engine started from, kept with the run; for runs enabled before that was kept, the
    // equity history's point at the enable time (its bucket's last value: it can be later).
    const capital =
      stored.startingCapital ?? (await o.equityAt(stored.portfolioId, enabledAt)) ?? base.startingCapital;
    const replay = await replayParity({
      run: {
        id: stored.id,
        strategyId: stored.strategyId,
        version: stored.version,
        params: stored.params,
        feeds: stored.feeds,
        warmupBars: stored.warmupBars,
        enabledAt,
        decidedUntil,
        ...(stored.warmup === undefined ? {} : { warmup: stored.warmup }),
        ...(stored.paused === undefined ? {} : { paused: stored.paused }),
      },
      settings: { ...base, startingCapital: capital },
      history: o.history,
      // Its decisions start after its warm-up, which can end before the enable (run-restore.ts).
      orders: await o.journal.ofStrategy(
        stored.portfolioId,
        stored.strategyId,
        decidedFrom < enabledAt ? decidedFrom + 1 : enabledAt,
      ),
      execute: (job) =>
        o.run({ ...job, code, ...(signal === undefined ? {} : { signal }) }, o.limits(stored.tier), stored.userId),
    });
    return { ...replay, version: replayed };
  }
}
