/**
 * @module The `strategy` config section (zod, with its own defaults): code-encryption keys,
 * the save-time code size limit, the research worker count, and per-tier quotas and sandbox
 * limits. Light on purpose (no isolated-vm), so the server can read it without loading the sandbox.
 */
import { z } from 'zod';

const tierSchema = (d: {
  strategies: number;
  backtestsPerDay: number;
  concurrentBacktests: number;
  memoryMb: number;
  cpuMs: number;
}) =>
  z
    .object({
      /** Strategies a user may store. */
      strategies: z.number().int().positive().default(d.strategies),
      backtestsPerDay: z.number().int().positive().default(d.backtestsPerDay),
      concurrentBacktests: z.number().int().positive().default(d.concurrentBacktests),
      /** Isolate heap per run. */
      memoryMb: z.number().int().min(16).max(8_192).default(d.memoryMb),
      /** CPU time per run. */
      cpuMs: z.number().int().min(100).max(3_600_000).default(d.cpuMs),
      output: z
        .object({
          maxLogLines: z.number().int().positive().optional(),
          maxPlotPoints: z.number().int().positive().optional(),
          maxTrades: z.number().int().positive().optional(),
        })
        .prefault({}),
    })
    .prefault({});

export const strategyConfigSchema = z
  .object({
    /** Key id → base64 of 32 random bytes; old ids stay listed so old versions remain readable. */
    codeKeys: z.record(z.string().min(1), z.string().min(1)).default({}),
    /** The id new versions are encrypted with (must be in codeKeys when strategies are stored). */
    currentKeyId: z.string().min(1).optional(),
    /** @default 131072 (128 KiB) */
    maxCodeBytes: z
      .number()
      .int()
      .positive()
      .max(4 * 1024 * 1024)
      .default(128 * 1024),
    /** Threads for walk-forward and look-ahead runs; 0 means one per core. @default 0 */
    researchWorkers: z.number().int().nonnegative().max(64).default(0),
    tiers: z
      .object({
        free: tierSchema({
          strategies: 5,
          backtestsPerDay: 20,
          concurrentBacktests: 1,
          memoryMb: 128,
          cpuMs: 10_000,
        }),
        premium: tierSchema({
          strategies: 50,
          backtestsPerDay: 500,
          concurrentBacktests: 3,
          memoryMb: 512,
          cpuMs: 60_000,
        }),
        enterprise: tierSchema({
          strategies: 1_000,
          backtestsPerDay: 10_000,
          concurrentBacktests: 10,
          memoryMb: 2_048,
          cpuMs: 600_000,
        }),
      })
      .prefault({}),
  })
  .prefault({});

export type StrategyConfig = z.output<typeof strategyConfigSchema>;
export type TierLimits = StrategyConfig['tiers']['free'];
