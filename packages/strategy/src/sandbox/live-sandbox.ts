/**
 * @module A live run in its own isolate: the same engine script as a backtest (isolate-bundle.ts),
 * the same hardened realm, and the same {@link LiveEngine} the parity tests drive — only here it
 * lives for the run's lifetime and is stepped one closed candle at a time. The isolate's heap limit
 * is the run's tier memory; each step's CPU time is held against the tier's CPU time per candle,
 * with a wall-clock backstop that stops a runaway loop. Any failure disposes
 * the isolate and surfaces as a STRATEGY_* error, on which the runner pauses the run.
 *
 * Steps are synchronous calls into the isolate: no thread hop per candle, which is what a thousand
 * runs per candle cost most (see bench/live).
 */
import ivm from 'isolated-vm';
import { TicklineError } from '@tickline/kernel';
import type { EngineSettings } from '../core/types.ts';
import type { LiveFeed } from '../live/live-engine.ts';
import { feedIndex, type LiveSession, type LiveSessionStep } from '../live/live-session.ts';
import type { LiveOpenInput, LiveStepOutput } from './isolate-entry.ts';
import { fromIsolate, MODULE_FILENAME, syntaxError } from './sandbox.ts';
import { loadEngine } from './engine-entries.ts';
import { threadCpuMicros } from '@tickline/sandbox';
import { VIOLATION } from './violation.ts';

/** Limits of one live run (its owner's tier). */
export interface LiveSandboxLimits {
  memoryMb: number;
  cpuMsPerCandle: number;
  /** CPU time to load the module and open the run. @default 2000 */
  setupCpuMs?: number;
}

/** What {@link openLiveSandbox} takes. */
export interface LiveSandboxOptions {
  /** The strategy module as JavaScript (a stored version's compiled code). */
  code: string;
  feeds: LiveFeed[];
  settings: EngineSettings;
  params: Record<string, unknown>;
  /** Candles each feed keeps. */
  capacity: number;
  limits: LiveSandboxLimits;
}

/** Wall-clock backstop of a step, as a multiple of its CPU budget (a busy machine stretches wall time). */
const WALL_FACTOR = 20;
/** The least wall-clock backstop of a step, so a descheduled process does not look like a runaway strategy. */
const MIN_STEP_WALL_MS = 2_000;

function classify(
  error: unknown,
  limits: LiveSandboxLimits,
  phase: 'setup' | 'evaluate' | 'step',
): TicklineError {
  if (error instanceof TicklineError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/memory limit/i.test(message))
    return new TicklineError('STRATEGY_MEMORY_LIMIT', `the strategy used more than ${limits.memoryMb} MB`, {
      cause: error,
      details: { memoryMb: limits.memoryMb },
    });
  if (/timed out/i.test(message))
    return new TicklineError(
      'STRATEGY_CPU_LIMIT',
      phase === 'step'
        ? `onCandle ran past its limit of ${limits.cpuMsPerCandle} ms per candle`
        : 'the strategy took too long to load',
      { cause: error, details: { cpuMs: limits.cpuMsPerCandle } },
    );
  if (/call stack/i.test(message))
    return new TicklineError('STRATEGY_STACK_OVERFLOW', message, { cause: error });
  if (phase === 'evaluate') {
    if (/not available to strategies/.test(message))
      return new TicklineError('STRATEGY_FORBIDDEN_API', message, { cause: error });
    if (VIOLATION.test(message))
      return new TicklineError('STRATEGY_SANDBOX_VIOLATION', message, { cause: error });
    return new TicklineError('STRATEGY_RUNTIME_ERROR', message, { cause: error });
  }
  return new TicklineError('STRATEGY_SANDBOX_FAILED', message, { cause: error });
}

/** Opens a live run in a new isolate. @throws TicklineError STRATEGY_* when the code does not load. */
export async function openLiveSandbox(options: LiveSandboxOptions): Promise<LiveSession> {
  const { limits } = options;
  const isolate = new ivm.Isolate({ memoryLimit: limits.memoryMb });
  const setupTimeout = (limits.setupCpuMs ?? 2_000) * WALL_FACTOR;
  const stepTimeout = Math.max(limits.cpuMsPerCandle * WALL_FACTOR, MIN_STEP_WALL_MS);
  let phase: 'setup' | 'evaluate' = 'setup';
  const held: Array<{ release(): void }> = [];
  const dispose = (): void => {
    for (const r of held.splice(0)) {
      try {
        r.release();
      } catch {
        // Already gone with the isolate.
      }
    }
    if (!isolate.isDisposed) isolate.dispose();
  };
  let advanceRef: ivm.Reference<(...bar: Array<number | boolean>) => number | null>;
  let takeRef: ivm.Reference<() => LiveStepOutput>;
  let fillRef: ivm.Reference<(...args: unknown[]) => void>;
  let doneRef: ivm.Reference<(id: number) => void>;
  try {
    const context = await isolate.createContext();
    held.push(context);
    const engine = await loadEngine(isolate, context, options.settings.seed, setupTimeout);
    held.push(engine);
    let module: ivm.Module;
    try {
      module = await isolate.compileModule(options.code, { filename: MODULE_FILENAME });
    } catch (error) {
      throw syntaxError(error);
    }
    held.push(module);
    await module.instantiate(context, (specifier) => {
      throw new TicklineError(
        'STRATEGY_FORBIDDEN_API',
        `imports are not available to strategies (${specifier})`,
        {
          details: { api: 'import', specifier },
        },
      );
    });
    phase = 'evaluate';
    await module.evaluate({ timeout: setupTimeout });
    phase = 'setup';
    const definition = await module.namespace.get('default', { reference: true });
    held.push(definition);
    if (definition.typeof !== 'object')
      throw new TicklineError(
        'STRATEGY_DEFINITION_INVALID',
        'the strategy module needs a default export (defineStrategy({ … }))',
      );
    const input: LiveOpenInput = {
      feeds: options.feeds,
      settings: options.settings,
      params: options.params,
      capacity: options.capacity,
    };
    const opened = (await engine.liveOpen.apply(
      undefined,
      [definition.derefInto(), new ivm.ExternalCopy(input).copyInto({ release: true })],
      { result: { copy: true }, timeout: setupTimeout },
    )) as { ok: true } | { ok: false; error: { code: string; message: string } };
    if (!opened.ok) throw fromIsolate(opened.error);
    advanceRef = engine.liveAdvance;
    takeRef = engine.liveTake;
    fillRef = engine.liveFill;
    doneRef = engine.liveDone;
  } catch (error) {
    dispose();
    throw classify(error, limits, phase);
  }

  const budgetUs = limits.cpuMsPerCandle * 1_000;
  // A quiet step's lists: shared, and frozen so no caller can write to them.
  const noOrders = Object.freeze([]) as unknown as LiveSessionStep['placed'];
  const noIds = Object.freeze([]) as unknown as number[];
  const noLogs = Object.freeze([]) as unknown as LiveSessionStep['logs'];
  return {
    feedOf: (symbol, interval) => feedIndex(options.feeds, symbol, interval),
    async advance(f, candle, warmup): Promise<LiveSessionStep> {
      if (isolate.isDisposed) throw new TicklineError('STRATEGY_SANDBOX_FAILED', 'the run was stopped');
      // A synchronous call runs the isolate on this thread, so this thread's CPU clock is the
      // strategy's CPU time. (isolate.cpuTime reads a wall clock in isolated-vm 7's Linux build: on
      // a busy machine it paused well-behaved runs.)
      const before = threadCpuMicros();
      let output: LiveStepOutput;
      try {
        // The candle as numbers (no object to copy in); the equity back as a number when that is
        // all the step has to say, its report copied out otherwise.
        const equity = advanceRef.applySync(
          undefined,
          [
            f,
            candle.openTime,
            candle.closeTime,
            candle.open,
            candle.high,
            candle.low,
            candle.close,
            candle.volume,
            warmup,
          ],
          { timeout: stepTimeout },
        );
        output =
          equity === null
            ? takeRef.applySync(undefined, [], { result: { copy: true }, timeout: stepTimeout })
            : { ok: true, placed: noOrders, cancelled: noIds, logs: noLogs, equity };
      } catch (error) {
        dispose();
        throw classify(error, limits, 'step');
      }
      const usedUs = threadCpuMicros() - before;
      if (!output.ok) {
        dispose();
        throw fromIsolate(output.error);
      }
      const cpuMs = usedUs / 1_000;
      // The budget holds in warm-up too: a warm-up step is a candle like any other, and replaying
      // hundreds of slow ones on this thread froze the server for seconds (11.6 s for one enable).
      if (usedUs > budgetUs) {
        dispose();
        throw new TicklineError(
          'STRATEGY_CPU_LIMIT',
          `onCandle used ${cpuMs.toFixed(1)} ms of CPU (limit ${limits.cpuMsPerCandle} ms per candle)`,
          { details: { cpuMs: limits.cpuMsPerCandle, usedMs: cpuMs } },
        );
      }
      return {
        placed: output.placed as LiveSessionStep['placed'],
        cancelled: output.cancelled,
        logs: output.logs,
        equity: output.equity,
        cpuMs,
      };
    },
    applyFill(symbol, side, quantity, price, fee, time, reason) {
      if (isolate.isDisposed) return;
      fillRef.applySync(undefined, [symbol, side, quantity, price, fee, time, reason], {
        arguments: { copy: true },
        timeout: stepTimeout,
      });
    },
    orderDone(orderId) {
      if (isolate.isDisposed) return;
      doneRef.applySync(undefined, [orderId], { timeout: stepTimeout });
    },
    dispose,
  };
}
