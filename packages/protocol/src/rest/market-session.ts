/**
 * @module A market's listing and session on the wire (`GET /api/v1/markets`, `…/markets/{symbol}`):
 * a share's exchange and currency, and whether its exchange is open now, from the exchange's
 * calendar; a crypto pair is listed nowhere and always open. Times are epoch milliseconds.
 */
import { z } from 'zod';

/** What a market's session is doing now. */
export const MarketSessionState = {
  Open: 'open',
  /** Open today, closing before the regular close (the day after Thanksgiving). */
  EarlyClose: 'early-close',
  Closed: 'closed',
  /** A crypto pair: no exchange calendar, never closed. */
  AlwaysOpen: 'always-open',
  /** The exchange's calendar has no table for the year asked about (MARKET_CALENDAR_MISSING). */
  Unknown: 'unknown',
} as const;
export type MarketSessionState = (typeof MarketSessionState)[keyof typeof MarketSessionState];

export const MarketListingSchema = z
  .object({
    exchange: z.string().describe('`US` (NYSE / Nasdaq) or `KS` (Korea Exchange): the symbol suffix.'),
    name: z.string(),
    currency: z.string().describe('ISO 4217: prices are in it.'),
    timeZone: z.string().describe("IANA zone of the exchange's hours."),
  })
  .nullable()
  .describe('Where a share is listed; null for a crypto pair.');

export const MarketSessionSchema = z.object({
  state: z.enum([
    MarketSessionState.Open,
    MarketSessionState.EarlyClose,
    MarketSessionState.Closed,
    MarketSessionState.AlwaysOpen,
    MarketSessionState.Unknown,
  ]),
  opensAt: z.number().optional().describe('Open or early close: when the current session opened.'),
  closesAt: z.number().optional().describe('Open or early close: when it closes.'),
  nextOpen: z.number().optional().describe('Closed: when the next session opens.'),
  special: z
    .string()
    .optional()
    .describe("That session's other hours, by name (an early close, a late open)."),
  holiday: z.string().optional().describe("Closed for a holiday today (the exchange's local date)."),
  detail: z.string().optional().describe('Unknown: why (no calendar for the year).'),
});

export type MarketListing = NonNullable<z.infer<typeof MarketListingSchema>>;
export type MarketSession = z.infer<typeof MarketSessionSchema>;
