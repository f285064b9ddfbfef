/**
 * @module Pausing a live run: the pause record (a requester's code, or the failure's), the run's
 * failure counters, its sandbox let go, the pause stored so every runner process and a restart
 * know it, and the `strategy.live.paused` event its owner reads. A module of its own because a
 * failed step, a lost process that could not reopen, a request, the kill switch and a stored run
 * that never started all end here and must say the same thing.
 */
import { type Logger, TicklineError } from '@tickline/kernel';
import type { LiveMetrics } from './live-metrics.ts';
import { StrategyLivePaused } from './live-events.ts';
import type { LiveRun } from './live-run.ts';
import type { LiveRunnerOptions, LiveStrategySpec } from './live-runner-types.ts';

/** Why and when a run was paused (its status's `pause`, and what the store keeps). */
export interface RunPause {
  code: string;
  reason: string;
  at: number;
  /** When it resumes by itself (a pause for CPU, cpu-resume.ts); absent: when its owner resumes it. */
  resumesAt?: number;
}

/** The runner's options a pause uses. */
export type RunPauseOptions = Pick<
  LiveRunnerOptions,
  'clock' | 'persist' | 'onPersistError' | 'publish' | 'source' | 'onPause'
>;

/** What {@link pauseRun} needs besides the run: the options, the metrics, the runs gauge. */
export interface RunPauseContext {
  options: RunPauseOptions;
  metrics: LiveMetrics | undefined;
  /** Sets the runs gauge again (a run changed state). */
  countRuns: () => void;
}

/** The pause for `error`: the requester's `code`, else the error's, else a runtime error. */
export function pauseOf(error: unknown, code: string | undefined, at: number): RunPause {
  const coded = error instanceof TicklineError ? error : undefined;
  const reason = error instanceof Error ? error.message : String(error);
  return { code: code ?? coded?.code ?? 'STRATEGY_RUNTIME_ERROR', reason, at };
}

/**
 * Stores the pause of run `spec` (a failure to store is only reported: the run stays paused here)
 * and tells its owner with `strategy.live.paused`, naming the strategy when its name is known.
 */
export function announcePause(
  o: RunPauseOptions,
  spec: LiveStrategySpec,
  strategyName: string | undefined,
  pause: RunPause,
): void {
  o.onPause?.(spec, pause);
  o.persist?.paused(spec.id, pause).catch((e: unknown) => o.onPersistError?.(e));
  o.publish(
    o.source.create(StrategyLivePaused, {
      subject: spec.id,
      data: {
        strategyId: spec.strategyId,
        ...(strategyName === undefined ? {} : { strategyName }),
        userId: spec.userId,
        portfolioId: spec.portfolioId,
        code: pause.code,
        reason: pause.reason,
        at: pause.at,
        ...(pause.resumesAt === undefined ? {} : { resumesAt: pause.resumesAt }),
      },
    }),
  );
}

/**
 * Pauses a running run: with a requester's `code` (the owner, the kill switch) it is a request;
 * without, a failure, counted for operators and kept as the run's last error. Its session is
 * disposed either way (a failed run has lost its sandbox; a paused one keeps nothing).
 */
export function pauseRun(
  ctx: RunPauseContext,
  run: LiveRun,
  error: unknown,
  code?: string,
  resumesAt?: number,
): void {
  if (run.status.state === 'paused') return;
  const pause = pauseOf(error, code, ctx.options.clock.now());
  if (resumesAt !== undefined) pause.resumesAt = resumesAt;
  run.status.state = 'paused';
  run.status.pause = pause;
  ctx.countRuns();
  if (code === undefined) {
    ctx.metrics?.sandboxFailures.inc({ reason: pause.code });
    run.status.errors++;
    run.status.lastError = { ...pause };
  }
  run.session.dispose();
  announcePause(ctx.options, run.spec, run.name, pause);
}

/** Pauses the owner asked for themselves: told at info; every other pause at warn. */
const OWN_PAUSE = 'user';

/**
 * The runner's `onPause`, as a server logs it: the run, its account, the code and the reason
 * (which carries the measured figures and the budget), and when it resumes by itself.
 */
export function logPause(logger: Logger, member: string): NonNullable<LiveRunnerOptions['onPause']> {
  return (spec, pause) => {
    const fields = {
      member,
      run: spec.id,
      account: spec.userId,
      strategyId: spec.strategyId,
      portfolioId: spec.portfolioId,
      code: pause.code,
      reason: pause.reason,
      ...(pause.resumesAt === undefined ? {} : { resumesAt: new Date(pause.resumesAt).toISOString() }),
    };
    if (pause.code === OWN_PAUSE) logger.info(fields, 'live strategy paused by its owner');
    else logger.warn(fields, 'live strategy paused');
  };
}
