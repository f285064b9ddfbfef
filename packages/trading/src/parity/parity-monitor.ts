/**
 * @module The continuous parity monitor: every live run this process holds is replayed on a
 * schedule (`trading.live.parityCheckMs`) and again when it starts again (a restart, a takeover, a
 * resume), and its latest result is kept on the run (`parity` in the API, the CLI and its page).
 * The first time a run's check diverges its owner is told, naming the decision and the field.
 *
 * Checks are the platform's, not the owner's: they run through the parity service's system path
 * (not the owner's daily backtest quota), one at a time on this process, so a hundred runs never
 * take more than one sandbox of the pool at once.
 */
import { TicklineError } from '@tickline/kernel';
import type { LiveRunStatus } from '../live/live-runner-types.ts';
import type { ParityCheck, ParityReport } from './parity-report.ts';

export type { ParityCheck } from './parity-report.ts';

export interface ParityMonitorOptions {
  /** The runs this process holds now (the runner's list); only running ones are checked. */
  runs: () => readonly LiveRunStatus[];
  /** The parity report of a run through the system path (parity-service.ts `system`). */
  report: (status: LiveRunStatus) => Promise<ParityReport>;
  now: () => number;
  /** A run's check diverged where its previous one did not: tell its owner. */
  onDiverged: (status: LiveRunStatus, check: ParityCheck) => void;
  /** A check failed for another reason than "nothing decided yet" (logged; retried next round). */
  onError?: (runId: string, error: unknown) => void;
}

/** What a report says, as kept on the run. */
export function parityCheckOf(report: ParityReport, checkedAt: number): ParityCheck {
  const first = report.firstDivergence === undefined ? undefined : report.rows[report.firstDivergence];
  return {
    checkedAt,
    state: report.identical ? 'identical' : 'diverged',
    decisions: report.liveDecisions,
    ...(first === undefined
      ? {}
      : {
          firstDivergence: {
            decision: first.index + 1,
            field: first.differs[0]!,
            ...(first.live === undefined ? {} : { live: first.live }),
            ...(first.replay === undefined ? {} : { replay: first.replay }),
          },
        }),
  };
}

/** See the module comment. */
export function createParityMonitor(o: ParityMonitorOptions) {
  const latest = new Map<string, ParityCheck>();
  // One check at a time on this process, whoever asked for it (the schedule or a restart).
  let queue: Promise<void> = Promise.resolve();
  const queued = new Set<string>();
  /** Runs started again (a restart, a takeover, a resume) not checked since. */
  const due = new Set<string>();

  async function checkOne(runId: string): Promise<void> {
    queued.delete(runId);
    const status = o.runs().find((r) => r.id === runId);
    if (status === undefined || status.state !== 'running') return;
    let report: ParityReport;
    try {
      report = await o.report(status);
    } catch (error) {
      // Nothing decided since it was enabled: nothing to compare yet, not a failure.
      if (error instanceof TicklineError && error.code === 'STRATEGY_PARITY_UNAVAILABLE') return;
      o.onError?.(runId, error);
      return;
    }
    const check = parityCheckOf(report, o.now());
    const before = latest.get(runId);
    latest.set(runId, check);
    status.parity = check;
    if (check.state === 'diverged' && before?.state !== 'diverged') o.onDiverged(status, check);
  }

  function enqueue(runId: string): Promise<void> {
    if (queued.has(runId)) return queue;
    queued.add(runId);
    // A failed check (or a failing notice) must not stop the checks queued after it.
    queue = queue.then(() => checkOne(runId)).catch((error: unknown) => o.onError?.(runId, error));
    return queue;
  }

  return {
    /** Checks every running run, one after the other (the schedule's beat). */
    checkAll(): Promise<void> {
      let last = queue;
      for (const run of o.runs()) if (run.state === 'running') last = enqueue(run.id);
      return last;
    },
    /** Checks one run soon. */
    check(runId: string): Promise<void> {
      return enqueue(runId);
    },
    /**
     * Run `runId` started again (a restart, a takeover, a resume): it is checked once it decided
     * candles again ({@link checkDue}, after a candle wave), not before — its catch-up is part of it.
     */
    due(runId: string): void {
      due.add(runId);
    },
    /** Checks the runs started again that run now (called after each candle wave: cheap when none). */
    checkDue(): void {
      if (due.size === 0) return;
      for (const run of o.runs())
        if (due.has(run.id) && run.state === 'running') {
          due.delete(run.id);
          void enqueue(run.id);
        }
    },
    /** The latest check of a run, undefined before its first. */
    latest(runId: string): ParityCheck | undefined {
      return latest.get(runId);
    },
    /** Forgets a run (stopped). */
    forget(runId: string): void {
      latest.delete(runId);
      due.delete(runId);
    },
  };
}

/** What {@link createParityMonitor} returns. */
export type ParityMonitor = ReturnType<typeof createParityMonitor>;
