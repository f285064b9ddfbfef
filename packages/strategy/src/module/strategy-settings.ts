/**
 * @module The `strategy:` config section (env `TICKLINE_STRATEGY_*`), with its own defaults:
 * the keys that encrypt code at rest, the per-tier job and sandbox limits, and the process's
 * backtest worker count. Stored-strategy and backtests-per-day quotas are identity's tier table
 * (`maxStrategies`, `backtestsPerDay`), read from the caller's principal.
 */
import { z } from 'zod';

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
});
export type TierJobLimits = z.infer<typeof TierJobLimitsSchema>;

const tier = (defaults: TierJobLimits) => TierJobLimitsSchema.prefault(defaults);

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
    workers: z
      .number()
      .int()
      .min(1)
      .max(64)
      .default(2)
      .describe('Backtests this process runs at once (each in its own isolate).'),
    progressIntervalMs: z
      .number()
      .int()
      .min(50)
      .default(500)
      .describe('Least time between two progress events of one backtest.'),
    tiers: z
      .object({
        free: tier({ concurrentJobs: 1, memoryMb: 64, cpuMs: 10_000, maxBarsPerRun: 500_000 }),
        premium: tier({ concurrentJobs: 3, memoryMb: 256, cpuMs: 60_000, maxBarsPerRun: 5_000_000 }),
        enterprise: tier({ concurrentJobs: 10, memoryMb: 1_024, cpuMs: 600_000, maxBarsPerRun: 50_000_000 }),
      })
      .prefault({})
      .describe('Per-tier job and sandbox limits.'),
  })
  .prefault({});

export type StrategySettings = z.output<typeof StrategySettingsSchema>;

/** The `strategy:` config section as the composition root reads it (no sandbox loaded). */
export const strategyConfig = { key: 'strategy', schema: StrategySettingsSchema } as const;
