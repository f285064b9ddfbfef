/**
 * @module The archive tier on the wire (`GET /api/v1/markets/archive`, admin): the settings, what
 * the archive holds and the size it saved, and its files, newest month first.
 */
import { z } from 'zod';

export const ArchivedFileSchema = z.object({
  exchange: z.string(),
  symbol: z.string(),
  interval: z.string(),
  month: z.string().describe('YYYY-MM (UTC): candles opening in it.'),
  rangeFrom: z.number(),
  rangeTo: z.number(),
  file: z.string().describe('Absolute path of the Parquet file.'),
  rows: z.number(),
  sqlBytes: z.number().describe("The rows' size in SQL before (pg_column_size; indexes not counted)."),
  fileBytes: z.number(),
  archivedAt: z.number(),
});

export const ArchiveTotalsSchema = z.object({
  files: z.number(),
  rows: z.number(),
  sqlBytes: z.number(),
  fileBytes: z.number(),
  savedBytes: z.number().describe('sqlBytes - fileBytes.'),
});

export const MarketArchiveResponseSchema = z.object({
  enabled: z.boolean(),
  afterDays: z.number(),
  dir: z.string(),
  totals: ArchiveTotalsSchema,
  files: z.array(ArchivedFileSchema).describe('Newest month first, at most `limit`.'),
});

export type ArchivedFileView = z.infer<typeof ArchivedFileSchema>;
export type MarketArchiveView = z.infer<typeof MarketArchiveResponseSchema>;
