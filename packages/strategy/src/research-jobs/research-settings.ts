/**
 * @module The `strategy.research` config section: how many research jobs run at once and the
 * per-tier bounds on one job (research-budget.ts). A job is sized before it is queued and stopped
 * when it outgrows its budget, so one job cannot hold the server or its research for hours.
 */
import { z } from 'zod';
import type { ResearchJobLimits } from '../research/research-budget.ts';

const MINUTE_MS = 60_000;

const JobLimitsSchema = z.object({
  maxTrialsPerJob: z
    .number()
    .int()
    .min(1)
    .max(10_000_000)
    .describe('Backtests one research job may run (windows × (grid + 1) + grid for a walk-forward); more is 403 STRATEGY_RESEARCH_TOO_LARGE.'),
  maxBarStepsPerJob: z
    .number()
    .int()
    .min(1_000)
    .describe("Bars one job's trials step through, all together; more is 403 STRATEGY_RESEARCH_TOO_LARGE."),
  cpuMsPerJob: z
    .number()
    .int()
    .min(1_000)
    .describe(
      "Sandbox CPU all of a job's trials may use (ms): a job estimated above it is refused, a job that reaches it is stopped with STRATEGY_RESEARCH_BUDGET_EXCEEDED.",
    ),
  wallMsPerJob: z
    .number()
    .int()
    .min(1_000)
    .describe('Time from a job\'s start to its end (ms); past it the job is stopped with STRATEGY_RESEARCH_BUDGET_EXCEEDED.'),
}) satisfies z.ZodType<ResearchJobLimits>;

const tier = (defaults: ResearchJobLimits) => JobLimitsSchema.prefault(defaults);

export const ResearchSettingsSchema = z
  .object({
    maxActiveJobs: z
      .number()
      .int()
      .min(1)
      .max(1_000)
      .default(8)
      .describe(
        "Research jobs this process runs at once. Their trials share the sandbox processes in turn, account by account, so a small job starts beside two large ones instead of waiting for them.",
      ),
    tiers: z
      .object({
        free: tier({
          maxTrialsPerJob: 5_000,
          maxBarStepsPerJob: 200_000_000,
          cpuMsPerJob: 5 * MINUTE_MS,
          wallMsPerJob: 30 * MINUTE_MS,
        }),
        premium: tier({
          maxTrialsPerJob: 50_000,
          maxBarStepsPerJob: 4_000_000_000,
          cpuMsPerJob: 60 * MINUTE_MS,
          wallMsPerJob: 240 * MINUTE_MS,
        }),
        enterprise: tier({
          maxTrialsPerJob: 500_000,
          maxBarStepsPerJob: 40_000_000_000,
          cpuMsPerJob: 600 * MINUTE_MS,
          wallMsPerJob: 1_440 * MINUTE_MS,
        }),
      })
      .prefault({})
      .describe('Per-tier bounds on one research job.'),
  })
  .prefault({});

export type ResearchSettings = z.output<typeof ResearchSettingsSchema>;
