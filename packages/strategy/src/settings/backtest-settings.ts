/**
 * @module Backtest settings as users and routes give them (zod, with defaults) and their
 * resolution into the engine's {@link EngineSettings}. Defaults follow a Binance-like spot venue.
 */
import { TicklineError } from '@tickline/kernel';
import { z } from 'zod';
import type { EngineSettings, OutputLimits } from '../core/types.ts';

/** Output bounds unless config (`strategy.output`) sets others. */
export const DEFAULT_OUTPUT_LIMITS: Readonly<OutputLimits> = Object.freeze({
  maxLogLines: 1_000,
  maxLogLineChars: 500,
  maxPlotSeries: 16,
  maxPlotPoints: 2_000,
  maxOpenOrders: 1_000,
  maxTrades: 100_000,
});

const fraction = z.number().min(0).max(0.1);

/** The settings a user may send; every field has a default. */
export const backtestSettingsSchema = z
  .object({
    /** @default 10000 (quote currency) */
    startingCapital: z.number().positive().max(1e12).default(10_000),
    /** Limit fills. @default 0.001 (0.1 %) */
    makerFee: fraction.default(0.001),
    /** Market and stop fills. @default 0.001 (0.1 %) */
    takerFee: fraction.default(0.001),
    slippage: z
      .discriminatedUnion('kind', [
        z.object({ kind: z.literal('none') }),
        z.object({ kind: z.literal('bps'), bps: z.number().min(0).max(1_000) }),
        z.object({ kind: z.literal('range'), fraction: z.number().min(0).max(1) }),
      ])
      .default({ kind: 'none' }),
    /** @default 1 (no leverage) */
    maxLeverage: z.number().min(1).max(100).default(1),
    /** @default false */
    allowShort: z.boolean().default(false),
    /** @default true */
    closeAtEnd: z.boolean().default(true),
    /** @default 1 */
    seed: z
      .number()
      .int()
      .nonnegative()
      .max(2 ** 31 - 1)
      .default(1),
  })
  .strict();

export type BacktestSettingsInput = z.input<typeof backtestSettingsSchema>;

/** Validated settings with defaults applied; STRATEGY_CONFIG_INVALID names the bad fields. */
export function resolveBacktestSettings(
  input: BacktestSettingsInput = {},
  limits: Partial<OutputLimits> = {},
): EngineSettings {
  const parsed = backtestSettingsSchema.safeParse(input);
  if (!parsed.success) {
    throw new TicklineError('STRATEGY_CONFIG_INVALID', 'invalid backtest settings', {
      details: { issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) },
    });
  }
  const s = parsed.data;
  if (s.allowShort && s.maxLeverage < 1) {
    throw new TicklineError('STRATEGY_CONFIG_INVALID', 'allowShort needs maxLeverage ≥ 1');
  }
  return { ...s, limits: { ...DEFAULT_OUTPUT_LIMITS, ...limits } };
}
