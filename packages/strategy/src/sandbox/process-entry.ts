/**
 * @module The main module of a strategy sandbox process (started by {@link StrategyProcesses}).
 * Everything that touches a user's code happens here, never in the server: stripping TypeScript,
 * loading the module in an isolate, running backtests. The engine's isolate bundle is built and
 * one empty strategy loaded before the process says it is ready, so no user input ever meets a
 * cold or broken process, and a failure to build shows at start.
 */
import { TicklineError } from '@tickline/kernel';
import { serveSandboxProcess } from '@tickline/sandbox';
// The codes this process may answer with: serve answers only declared codes as they are.
import '../core/errors.ts';
import { compileStrategy, stripTypes, type CompileOptions } from '../api/compile-strategy.ts';
import { receiveFeeds, type FeedRef } from './feed-transfer.ts';
import { sendResult } from './result-transfer.ts';
import type { SandboxLimits, SandboxRunOptions, TrialVariant } from './sandbox.ts';
import { runPackedInSandbox, StrategySandbox } from './sandbox.ts';

/**
 * What a backtest call carries (functions and signals stay on the server side). Its feeds are named:
 * their columns are content of the call, kept in this process between calls (feed-transfer.ts).
 */
export type BacktestPayload = Omit<SandboxRunOptions, 'onProgress' | 'signal' | 'feeds'> & {
  feeds: FeedRef[];
  limits: SandboxLimits;
  wantsProgress: boolean;
};

/** What a batch of research trials carries: the run they share, and what each trial changes. */
export type TrialsPayload = {
  base: Omit<BacktestPayload, 'feeds' | 'wantsProgress'>;
  trials: Array<Omit<TrialVariant, 'feeds'> & { feeds: FeedRef[] }>;
};

export type CompilePayload = { source: string; options: CompileOptions };

const WARM_UP = 'export default defineStrategy({ onCandle() {} });';

/** True when Node's shared TypeScript stripper still works (one source can break it for good). */
function stripperWorks(): boolean {
  try {
    return stripTypes('const probe: number = 1;').includes('probe');
  } catch {
    return false;
  }
}

await serveSandboxProcess(
  {
    backtest: async (payload: BacktestPayload, context) => {
      const { limits, wantsProgress, feeds: ref, ...rest } = payload;
      const run = { ...rest, feeds: receiveFeeds(ref, (key) => context.data(key)) };
      // This process runs one call at a time: its CPU over the run is the run's own.
      const cpuStart = process.cpuUsage();
      const result = await runPackedInSandbox(
        wantsProgress ? { ...run, onProgress: (done, total) => context.progress(done, total) } : run,
        limits,
      );
      const cpu = process.cpuUsage(cpuStart);
      return sendResult({ ...result, cpuMs: (cpu.user + cpu.system) / 1_000 }, limits.maxResultBytes);
    },
    trials: async (payload: TrialsPayload, context) => {
      const { limits, ...base } = payload.base;
      const trials = payload.trials.map((t) => ({
        ...t,
        feeds: receiveFeeds(t.feeds, (key) => context.data(key)),
      }));
      const sandbox = new StrategySandbox(limits);
      try {
        const results = await sandbox.runPackedTrials(base, trials);
        return await Promise.all(results.map((r) => sendResult(r, limits.maxResultBytes)));
      } finally {
        sandbox.dispose();
      }
    },
    compile: async (payload: CompilePayload, context) => {
      try {
        return await compileStrategy(payload.source, payload.options);
      } finally {
        // A source that trapped the stripper leaves it failing every later call: this process goes.
        if (!stripperWorks()) context.retire();
      }
    },
  },
  async () => {
    const sandbox = new StrategySandbox({ memoryMb: 32, cpuMs: 10_000 });
    try {
      await sandbox.inspect(WARM_UP);
    } catch (error) {
      // A realm set-up that throws here throws for every call: the process serves all the same,
      // answering each at once with the code, where one that exited would be replaced again and
      // again while callers waited (the host logs each answer: StrategyProcesses).
      if (!(error instanceof TicklineError && error.code === 'STRATEGY_SANDBOX_SETUP_FAILED')) throw error;
      process.stderr.write(`sandbox warm-up: ${error.message}\n`);
    } finally {
      sandbox.dispose();
    }
  },
);
