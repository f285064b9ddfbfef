/**
 * @module The `strategy:` config section (env `TICKLINE_STRATEGY_*`), with its own defaults:
 * the keys that encrypt code at rest, the per-tier job and sandbox limits, and the process's
 * backtest worker count. Stored-strategy and backtests-per-day quotas are identity's tier table
 * (`maxStrategies`, `backtestsPerDay`), read from the caller's principal.
 */
import { GateThresholdsSchema } from '../research/promotion-gate.ts';
import { ResearchSettingsSchema } from '../research-jobs/research-settings.ts';
import { z } from 'zod';
import { DEFAULT_PARAM_LIMITS } from '../core/param-bounds.ts';
import { DEFAULT_OUTPUT_LIMITS } from '../settings/backtest-settings.ts';
import { HistoryDownloadSettingsSchema } from '../history/download-settings.ts';

/**
 * A well-known key so a development server starts without configuration. Code saved under it is
 * not secret: the host logs a warning while it is the current key. Production sets its own.
 */
export const DEV_CODE_KEY_ID = 'dev';
export const DEV_CODE_KEY = Buffer.alloc(32, 7).toString('base64');

const TierJobLimitsSchema = z.object({
  concurrentJobs: z.number().int().min(1).max(100).describe('Backtests queued or running at once per user.'),
  memoryMb: z.number().int().min(8).max(4_096).describe('Sandbox heap limit of one run (MiB).'),
  cpuMs: z.number().int().min(100).max(3_600_000).describe('Sandbox CPU time of one run (ms).'),
  maxBarsPerRun: z.number().int().min(1).describe('Candles one run may load (all feeds).'),
  maxResultBytes: z
    .number()
    .int()
    .min(64 * 1024)
    .max(1024 * 1024 * 1024)
    .describe(
      "Bytes one run's result may take as the sandbox returns it (trades, logs, plots, signals; the equity curve aside); over it the run fails with STRATEGY_RESULT_TOO_LARGE.",
    ),
  maxVersionsPerStrategy: z
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .describe('Versions one strategy may keep; one more is 403 STRATEGY_QUOTA_VERSIONS.'),
  maxStoredCodeBytes: z
    .number()
    .int()
    .min(1_024)
    .max(1024 * 1024 * 1024 * 1024)
    .describe(
      "Bytes of source all of an account's versions may take together; a version past it is 403 STRATEGY_QUOTA_CODE_BYTES.",
    ),
});
export type TierJobLimits = z.infer<typeof TierJobLimitsSchema>;

/**
 * A tier's limits, each field defaulting to the tier's own: one can be set alone (env
 * `TICKLINE_STRATEGY_TIERS_FREE_MAX_VERSIONS_PER_STRATEGY`), and a config written before a field
 * existed still loads, with the tier's default for it.
 */
const tier = (d: TierJobLimits) => {
  const field = TierJobLimitsSchema.shape;
  return z
    .object({
      concurrentJobs: field.concurrentJobs.default(d.concurrentJobs),
      memoryMb: field.memoryMb.default(d.memoryMb),
      cpuMs: field.cpuMs.default(d.cpuMs),
      maxBarsPerRun: field.maxBarsPerRun.default(d.maxBarsPerRun),
      maxResultBytes: field.maxResultBytes.default(d.maxResultBytes),
      maxVersionsPerStrategy: field.maxVersionsPerStrategy.default(d.maxVersionsPerStrategy),
      maxStoredCodeBytes: field.maxStoredCodeBytes.default(d.maxStoredCodeBytes),
    })
    .prefault({});
};

const MIB = 1024 * 1024;

/** What one run may write: log lines and plot points are cut (never refused), plot series refused past the limit. */
const OutputSettingsSchema = z
  .object({
    maxLogLines: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .default(DEFAULT_OUTPUT_LIMITS.maxLogLines)
      .describe(
        'Log lines a run keeps; later ones are counted, and a last line says how many were not kept.',
      ),
    maxLogLineChars: z
      .number()
      .int()
      .min(16)
      .max(10_000)
      .default(DEFAULT_OUTPUT_LIMITS.maxLogLineChars)
      .describe('Characters of one log line; longer lines are cut.'),
    maxPlotSeries: z
      .number()
      .int()
      .min(1)
      .max(256)
      .default(DEFAULT_OUTPUT_LIMITS.maxPlotSeries)
      .describe('Plot series of one run; one more fails the run with STRATEGY_OUTPUT_LIMIT.'),
    maxPlotPoints: z
      .number()
      .int()
      .min(10)
      .max(100_000)
      .default(DEFAULT_OUTPUT_LIMITS.maxPlotPoints)
      .describe(
        'Points kept per plot series: past it the series is downsampled as the equity curve is (every n-th point and the last).',
      ),
  })
  .prefault({});

/** The shape of a strategy's parameter declarations, checked at compile. */
const ParamSettingsSchema = z
  .object({
    maxParams: z
      .number()
      .int()
      .min(1)
      .max(1_000)
      .default(DEFAULT_PARAM_LIMITS.maxParams)
      .describe('Parameters one strategy may declare; more is STRATEGY_DEFINITION_TOO_LARGE at compile.'),
    maxNameChars: z
      .number()
      .int()
      .min(8)
      .max(256)
      .default(DEFAULT_PARAM_LIMITS.maxNameChars)
      .describe('Characters of a parameter name.'),
    maxTextChars: z
      .number()
      .int()
      .min(16)
      .max(10_000)
      .default(DEFAULT_PARAM_LIMITS.maxTextChars)
      .describe("Characters of a parameter's description and of each value of an enum."),
    maxEnumValues: z
      .number()
      .int()
      .min(1)
      .max(1_000)
      .default(DEFAULT_PARAM_LIMITS.maxEnumValues)
      .describe('Values one enum parameter may list.'),
  })
  .prefault({});

/** How many compiles run or wait at once; past it a compile is refused with 429 and Retry-After. */
const CompileSettingsSchema = z
  .object({
    perUser: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(2)
      .describe('Compiles one account may have running or waiting at once.'),
    maxInFlight: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .default(8)
      .describe('Compiles the process runs or keeps waiting at once, all accounts together.'),
  })
  .prefault({});

export const StrategySettingsSchema = z
  .object({
    codeKeys: z
      .record(z.string().min(1).max(64), z.string().min(1))
      .default({ [DEV_CODE_KEY_ID]: DEV_CODE_KEY })
      .describe(
        'Keys that encrypt strategy code at rest (AES-256-GCM): key id → base64 of 32 random bytes. Keep old ids after a rotation so old versions stay readable.',
      ),
    currentKeyId: z
      .string()
      .min(1)
      .default(DEV_CODE_KEY_ID)
      .describe('The key id new versions are encrypted with.'),
    maxCodeBytes: z
      .number()
      .int()
      .min(1_024)
      .max(1_048_576)
      .default(128 * 1024)
      .describe('Largest strategy source accepted at save (bytes).'),
    output: OutputSettingsSchema.describe('Bounds on what one backtest or research run may write.'),
    params: ParamSettingsSchema.describe("Bounds on a strategy's parameter declarations."),
    compile: CompileSettingsSchema.describe(
      'Compile concurrency per account and for the process (POST /strategies, /strategies/compile, new versions).',
    ),
    workers: z
      .number()
      .int()
      .min(1)
      .max(64)
      .default(2)
      .describe(
        'Backtests this process runs at once: the size of its pool of backtest sandbox processes (each about 120 MB when idle; see docs/sandbox.md).',
      ),
    feedCacheMb: z
      .number()
      .int()
      .min(0)
      .max(65_536)
      .default(192)
      .describe(
        "Candle feeds each backtest sandbox process keeps between runs (MiB), so research trials and repeated backtests over the same candles send a name instead of the bars; counted in the process's memory limit. 0 sends every feed with its run.",
      ),
    progressIntervalMs: z
      .number()
      .int()
      .min(50)
      .default(500)
      .describe('Least time between two progress events of one backtest.'),
    tiers: z
      .object({
        free: tier({
          concurrentJobs: 1,
          memoryMb: 64,
          cpuMs: 10_000,
          maxBarsPerRun: 500_000,
          maxResultBytes: 4 * MIB,
          maxVersionsPerStrategy: 100,
          maxStoredCodeBytes: 8 * MIB,
        }),
        premium: tier({
          concurrentJobs: 3,
          memoryMb: 256,
          cpuMs: 60_000,
          maxBarsPerRun: 5_000_000,
          maxResultBytes: 16 * MIB,
          maxVersionsPerStrategy: 1_000,
          maxStoredCodeBytes: 256 * MIB,
        }),
        enterprise: tier({
          concurrentJobs: 10,
          memoryMb: 1_024,
          cpuMs: 600_000,
          maxBarsPerRun: 50_000_000,
          maxResultBytes: 64 * MIB,
          maxVersionsPerStrategy: 10_000,
          maxStoredCodeBytes: 4_096 * MIB,
        }),
      })
      .prefault({})
      .describe('Per-tier job and sandbox limits.'),
    gate: GateThresholdsSchema.describe(
      'The promotion gate a version passes before it runs live (docs/research.md).',
    ),
    research: ResearchSettingsSchema.describe(
      'Research jobs: how many run at once and the per-tier bounds on one job (docs/research.md#budgets).',
    ),
    history: z
      .object({
        download: HistoryDownloadSettingsSchema.describe(
          "History downloads from venues' public REST APIs (`tickline market download`, the dashboard's Get history).",
        ),
        importShipped: z
          .boolean()
          .default(true)
          .describe(
            'On the embedded database, import the venue history that ships with the project (docs/research-reports/history: Binance BTC-USDT and ETH-USDT, 1h and 1d, 2020-12 to 2021-07, GPL-3.0) at a start that finds it missing, so research works on a fresh install.',
          ),
      })
      .prefault({}),
  })
  .prefault({});

export type StrategySettings = z.output<typeof StrategySettingsSchema>;

/** The `strategy:` config section as the composition root reads it (no sandbox loaded). */
export const strategyConfig = { key: 'strategy', schema: StrategySettingsSchema } as const;
