/**
 * @module Live results on the wire, as FreqUI shows them: closed trades of a portfolio or a live run
 * (`GET /portfolios/{id}/trades`, `GET /live-strategies/{id}/trades`, paginated by an opaque
 * cursor) and the profit summary (`…/profit`) with its breakdowns per run, pair, exit reason and
 * UTC day. Amounts are the quote currency, times epoch ms, percentages fractions (0.05 = 5 %).
 */
import { z } from 'zod';

/** A round trip from flat to flat; prices are averages over its fills, profit is after fees. */
export const ClosedTradeSchema = z.object({
  id: z.string(),
  /** The run's strategy id in its portfolio, or `manual`. */
  run: z.string(),
  symbol: z.string(),
  direction: z.enum(['long', 'short']),
  entryTime: z.number(),
  exitTime: z.number(),
  durationMs: z.number(),
  quantity: z.number(),
  entryPrice: z.number(),
  exitPrice: z.number(),
  fees: z.number(),
  profit: z.number(),
  profitPct: z.number(),
  entries: z.number(),
  exits: z.number(),
  exitReason: z.string(),
});
export type ClosedTrade = z.infer<typeof ClosedTradeSchema>;

export const ClosedTradesResponseSchema = z.object({
  /** Newest exit first. */
  trades: z.array(ClosedTradeSchema),
  /** Pass as `cursor` for the next page; absent on the last. */
  nextCursor: z.string().optional(),
  /** Closed trades matching the filter, over every page. */
  total: z.number(),
});
export type ClosedTradesResponse = z.infer<typeof ClosedTradesResponseSchema>;

export const ProfitBucketSchema = z.object({
  key: z.string(),
  trades: z.number(),
  wins: z.number(),
  losses: z.number(),
  profit: z.number(),
  fees: z.number(),
  profitPct: z.number(),
});
export type ProfitBucket = z.infer<typeof ProfitBucketSchema>;

export const ProfitSummarySchema = z.object({
  trades: z.number(),
  wins: z.number(),
  losses: z.number(),
  winRate: z.number(),
  /** Closed trades and partial exits, after their fees. */
  realized: z.number(),
  /** Open lots at the last price, after their entry fees (a buy fee is not realized). */
  unrealized: z.number(),
  fees: z.number(),
  openTrades: z.number(),
  profitPct: z.number(),
  avgDurationMs: z.number(),
  byRun: z.array(ProfitBucketSchema),
  byPair: z.array(ProfitBucketSchema),
  byExitReason: z.array(ProfitBucketSchema),
  /** Newest UTC day (`YYYY-MM-DD`) first. */
  byDay: z.array(ProfitBucketSchema),
});
export type ProfitSummary = z.infer<typeof ProfitSummarySchema>;

export const ProfitResponseSchema = z.object({ profit: ProfitSummarySchema });
export type ProfitResponse = z.infer<typeof ProfitResponseSchema>;
