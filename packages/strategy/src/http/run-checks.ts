/**
 * @module Checks a backtest and a research request share, run before anything is queued: the
 * range, the sandbox limits against the tier, and that the feed's history exists.
 */
import type { Principal } from '@tickline/identity';
import { TicklineError } from '@tickline/kernel';
import type { CandleInterval } from '@tickline/market';
import { z } from 'zod';
import { assertKnownSymbol, hasCandles } from '../module/candle-feed.ts';
import type { StrategyHost } from '../module/strategy-host.ts';
import { toMs } from './route-shapes.ts';
import { noDataHint } from '../history/no-data-hint.ts';

/** The optional `sandbox` member of a run request. */
export const SandboxRequest = z
  .object({
    memoryMb: z.number().int().positive().optional(),
    cpuMs: z.number().int().positive().optional(),
  })
  .strict()
  .optional()
  .describe("Default: the tier's limits; more than the tier is 403.");

/** `from`/`to` as ms; STRATEGY_RANGE_INVALID unless from < to. */
export function rangeOf(fromInput: string | number, toInput: string | number): { from: number; to: number } {
  const from = toMs(fromInput);
  const to = toMs(toInput);
  if (!(from < to)) {
    throw new TicklineError('STRATEGY_RANGE_INVALID', '`from` must be before `to`', {
      details: { from: fromInput, to: toInput },
    });
  }
  return { from, to };
}

/**
 * The sandbox limits of a run: the request's, within the tier's (STRATEGY_TIER_LIMIT above), and
 * the tier's bound on the result's bytes.
 */
export function sandboxWithinTier(
  principal: Principal,
  requested: { memoryMb?: number | undefined; cpuMs?: number | undefined } | undefined,
  limits: { memoryMb: number; cpuMs: number; maxResultBytes: number },
): { memoryMb: number; cpuMs: number; maxResultBytes: number } {
  const sandbox = {
    memoryMb: requested?.memoryMb ?? limits.memoryMb,
    cpuMs: requested?.cpuMs ?? limits.cpuMs,
    maxResultBytes: limits.maxResultBytes,
  };
  if (sandbox.memoryMb > limits.memoryMb || sandbox.cpuMs > limits.cpuMs) {
    throw new TicklineError(
      'STRATEGY_TIER_LIMIT',
      `the ${principal.tier} tier allows at most ${limits.memoryMb} MiB and ${limits.cpuMs} ms`,
      { details: { tier: principal.tier, memoryMb: limits.memoryMb, cpuMs: limits.cpuMs } },
    );
  }
  return sandbox;
}

/** MARKET_SYMBOL_NOT_FOUND or STRATEGY_NO_DATA unless the history the run will read has candles. */
export async function assertFeedData(
  host: StrategyHost,
  query: { symbol: string; interval: CandleInterval; from: number; to: number; exchange?: string },
): Promise<void> {
  await assertKnownSymbol(host.reads, query.symbol);
  if (!(await hasCandles(host.reads, query))) {
    const hint = noDataHint(query);
    throw new TicklineError(
      'STRATEGY_NO_DATA',
      `no candles for ${query.symbol} ${query.interval} in the range; ${hint.text}`,
      {
        details: {
          symbol: query.symbol,
          interval: query.interval,
          from: new Date(query.from).toISOString(),
          to: new Date(query.to).toISOString(),
          download: hint.command,
        },
      },
    );
  }
}
