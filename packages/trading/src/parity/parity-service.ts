/**
 * @module The parity report as a server makes it: the stored run (its enable time, checkpoint,
 * parameters, feeds and warm-up), its orders from the journal, the stored version's code replayed
 * in its owner's sandbox with the owner's backtest limits, and the run's starting capital — the
 * portfolio's equity when the run was enabled, which percent orders were sized from.
 */
import { TicklineError } from '@tickline/kernel';
import type { OrderJournal } from '../broker/order-journal.ts';
import type { BacktestRunner, EngineSettings, SandboxLimits } from '@tickline/strategy';
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
}

/** Returns what the live routes' `parity` option calls. */
export function createParityService(o: ParityServiceOptions) {
  return async (status: LiveRunStatus, version?: number): Promise<ParityReport> => {
    const stored = await o.stored(status.id);
    const enabledAt = stored?.enabledAt;
    // The stored checkpoint, or where this process's runner got to (it checkpoints after candles).
    const decidedUntil = Math.max(stored?.checkpointMs ?? -Infinity, status.lastCandleTime ?? -Infinity);
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
    const code = await o.code(stored.userId, stored.strategyId, replayed);
    const base = o.settings(stored.userId);
    // What its engine started from, kept with the run; for runs enabled before that was kept, the
    // equity history's point at the enable time (its bucket's last value: it can be later).
    const capital =
      stored.startingCapital ?? (await o.equityAt(stored.portfolioId, enabledAt)) ?? base.startingCapital;
    const report = await replayParity({
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
      execute: (job) => o.run({ ...job, code }, o.limits(stored.tier), stored.userId),
    });
    return { ...report, version: replayed };
  };
}
