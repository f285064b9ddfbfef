/**
 * @module History downloads (`/api/v1/history/downloads`): a venue's public klines for a symbol,
 * interval and range, fetched once into the shared history. The request, the download as the API
 * returns it, and its progress events on the owner's `user:{id}`.
 */
import { z } from 'zod';
import { SymbolSchema } from '../sets/symbol.ts';

/** Crypto venues (public klines) and the share venues (alpaca: US shares; kis: KRX shares, 1d only). */
export const HISTORY_DOWNLOAD_VENUES = ['binance', 'coinbase', 'upbit', 'alpaca', 'kis'] as const;

export const HistoryDownloadRequestSchema = z.object({
  venue: z.enum(HISTORY_DOWNLOAD_VENUES),
  symbol: SymbolSchema,
  interval: z.enum(['1m', '5m', '15m', '1h', '1d']),
  from: z.iso.datetime({ offset: true }).describe('First open time (ISO 8601).'),
  to: z.iso.datetime({ offset: true }).describe('End, exclusive (ISO 8601).'),
});
export type HistoryDownloadRequest = z.infer<typeof HistoryDownloadRequestSchema>;

export const HistoryDownloadSchema = z.object({
  id: z.string(),
  venue: z.string(),
  symbol: z.string(),
  interval: z.string(),
  from: z.string(),
  to: z.string(),
  status: z.enum(['running', 'complete', 'failed']),
  daysTotal: z.number().int().describe('UTC days the range touches (up to now).'),
  daysDone: z.number().int(),
  venueDays: z
    .number()
    .int()
    .describe('Days fetched from the venue for this download: what the daily quota counts.'),
  venueCalls: z.number().int().describe('REST requests sent to the venue, retries included.'),
  candles: z.number().int().describe('Candles of `interval` held in the range (when complete: all of them).'),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type HistoryDownload = z.infer<typeof HistoryDownloadSchema>;

/** The data of `history.download.progress` and `history.download.completed` on `user:{id}`. */
export const HistoryDownloadEventSchema = z.object({ download: HistoryDownloadSchema });
export type HistoryDownloadEvent = z.infer<typeof HistoryDownloadEventSchema>;

/** A series of imported history (`GET /api/v1/history/series`): what a backtest can read. */
export const HistorySeriesSchema = z.object({
  venue: z.string(),
  symbol: z.string(),
  interval: z.string(),
  from: z.string().describe('Open time of the first candle.'),
  to: z.string().describe('Close time of the last candle: a range ending here holds them all.'),
  candles: z.number().int(),
});
export type HistorySeries = z.infer<typeof HistorySeriesSchema>;
