/**
 * @module The `trading:` config section (env `TICKLINE_TRADING_*`), with its own defaults: live
 * runs (runner membership, sandbox processes and per-tier live limits), the risk limits every
 * new portfolio starts with, and the live venues a portfolio may be bound to. Until the `trading` package was split out of `strategy` this section
 * was `strategy.live`; the fields kept their names under `trading.live`.
 */
import { z } from 'zod';
import { VenuesConfigSchema } from '../broker/config.ts';
import { ChatSettingsSchema } from '../chat/chat-settings.ts';
import { RiskLimitsSchema } from '../risk/risk-limits.ts';

const TierLiveLimitsSchema = z.object({
  maxLive: z.number().int().min(0).max(10_000).describe('Live strategies a user runs at once.'),
  cpuMsPerCandle: z
    .number()
    .int()
    .min(1)
    .max(10_000)
    .describe('Sandbox CPU time one live strategy may use on one candle (ms); over it the run is paused.'),
  memoryMb: z.number().int().min(8).max(1_024).describe('Sandbox heap limit of one live strategy (MiB).'),
});
export type TierLiveLimits = z.infer<typeof TierLiveLimitsSchema>;

const liveTier = (defaults: TierLiveLimits) => TierLiveLimitsSchema.prefault(defaults);

export const LiveSettingsSchema = z
  .object({
    enabled: z
      .boolean()
      .default(true)
      .describe('Run live strategies and paper portfolios on roles that run the trading module.'),
    member: z
      .string()
      .min(1)
      .max(100)
      .optional()
      .describe(
        "This process's name among the live runners (its candle consumer is strategy.live.<member>); keep it stable across restarts so a process resumes from its checkpoint. Default: the host name on the embedded log (one process per log), else host name and HTTP port.",
      ),
    heartbeatMs: z
      .number()
      .int()
      .min(100)
      .default(3_000)
      .describe('How often this runner announces itself on the log.'),
    memberTtlMs: z
      .number()
      .int()
      .min(300)
      .default(15_000)
      .describe('A runner not heard from for this long is gone; its strategies move to the others.'),
    syncMs: z
      .number()
      .int()
      .min(100)
      .default(2_000)
      .describe('How often a runner reads the enabled strategies and their ownership.'),
    risk: RiskLimitsSchema.prefault({}).describe('Risk limits of every paper portfolio.'),
    closedMarket: z
      .enum(['refuse', 'queue'])
      .default('refuse')
      .describe(
        "A paper order for a share (AAPL.US, 005930.KS) placed while its exchange is closed (night, weekend, holiday): `refuse` rejects it with market_closed and the next open; `queue` keeps it working until the session opens (a market order then fills at the session's first price). Crypto pairs always trade.",
      ),
    processes: z
      .number()
      .int()
      .min(1)
      .max(64)
      .optional()
      .describe(
        "Live sandbox processes this process spreads its runs over (each tenant's runs share one isolate in one of them; started on first use). Default: the machine's cores.",
      ),
    processMemoryMb: z
      .number()
      .int()
      .min(64)
      .max(65_536)
      .default(4_096)
      .describe(
        'Resident memory a live sandbox process may hold above its idle size, as the OS counts it; over it the process is killed and its runs reopen in a fresh one.',
      ),
    stallMs: z
      .number()
      .int()
      .min(1_000)
      .max(600_000)
      .default(30_000)
      .describe(
        'Longest silence of a live sandbox process that owes an answer before it is killed (a hang).',
      ),
    enablesPerMinute: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .default(6)
      .describe(
        "Enables and resumes of live strategies one account may start in any minute (one at a time): each loads the strategy in the account's live sandbox process, whose other accounts wait meanwhile.",
      ),
    parityCheckMs: z
      .number()
      .int()
      .min(0)
      .max(86_400_000)
      .default(900_000)
      .describe(
        "How often every live run's parity with its backtest replay is checked (and at each restart or resume); the latest result is on the run and its owner is told at the first divergence. 0 turns the schedule off (checks at restarts and resumes remain). The platform's checks run one at a time per process and are not taken from the owner's backtest quota.",
      ),
    waveBoxMs: z
      .number()
      .int()
      .min(100)
      .max(60_000)
      .default(2_000)
      .describe(
        "How long a candle close's wave waits for its runs' answers; a run answering later decides no live candle until it caught up, so one process's slow answer never holds the runs of the others.",
      ),
    dataHealth: z
      .object({
        staleIntervals: z
          .number()
          .int()
          .min(0)
          .max(1_000)
          .default(3)
          .describe(
            "Intervals of a feed's own length without a closed candle after which the feed is stale: the runs that read it take no new entries (exits go on) and their owners are told. 0 turns the check off.",
          ),
        jumpPercent: z
          .number()
          .min(0)
          .max(1_000)
          .default(20)
          .describe(
            'Largest close-to-close move of a feed, in percent, before it counts as a bad print: the runs that read it take no new entries until it is healthy again. 0 turns the check off. A candle after one or more missing candles (a gap) stops entries too.',
          ),
        healthyCandles: z
          .number()
          .int()
          .min(1)
          .max(1_000)
          .default(2)
          .describe('Clean candles in a row after which a stale, gapped or jumped feed is healthy again.'),
        staleMinMs: z
          .number()
          .int()
          .min(0)
          .max(86_400_000)
          .default(30_000)
          .describe(
            "The shortest silence that makes a feed stale whatever its interval: a 1 s feed is stale after 30 s without a candle, not 3 s (a busy machine's pause is not a dead feed).",
          ),
        gapMinMs: z
          .number()
          .int()
          .min(0)
          .max(86_400_000)
          .default(10_000)
          .describe(
            'The shortest stretch of missing candles that counts as a gap whatever the interval: a 1 s feed misses a candle whenever a second has no trade.',
          ),
        checkMs: z
          .number()
          .int()
          .min(100)
          .max(3_600_000)
          .default(1_000)
          .describe('How often feeds are checked for staleness.'),
      })
      .prefault({})
      .describe(
        'The data-health interlock: a feed that goes stale, gaps or jumps stops new entries of the live runs that read it until it is healthy again (strategies see ctx.dataHealthy === false).',
      ),
    warmupCpuMs: z
      .number()
      .int()
      .min(10)
      .max(600_000)
      .default(2_000)
      .describe(
        "CPU time a run's whole warm-up may use (each warm-up candle also keeps its tier's per-candle budget).",
      ),
    tiers: z
      .object({
        free: liveTier({ maxLive: 2, cpuMsPerCandle: 50, memoryMb: 32 }),
        premium: liveTier({ maxLive: 20, cpuMsPerCandle: 100, memoryMb: 64 }),
        enterprise: liveTier({ maxLive: 200, cpuMsPerCandle: 250, memoryMb: 128 }),
      })
      .prefault({})
      .describe('Per-tier live limits.'),
  })
  .prefault({});
export type LiveSettings = z.output<typeof LiveSettingsSchema>;

export const TradingSettingsSchema = z
  .object({
    live: LiveSettingsSchema.describe('Live strategies, paper portfolios and orders.'),
    venues: VenuesConfigSchema.prefault({}).describe(
      'Live venues a portfolio may be bound to instead of paper (docs/broker.md).',
    ),
    chat: ChatSettingsSchema.describe('Control of live runs from a chat (docs/chat-control.md).'),
  })
  .prefault({});

export type TradingSettings = z.output<typeof TradingSettingsSchema>;

/** The `trading:` config section as the composition root reads it (no sandbox loaded). */
export const tradingConfig = { key: 'trading', schema: TradingSettingsSchema } as const;
