/**
 * @module Data versions and corporate actions on the wire (`/api/v1/markets/{symbol}/versions`,
 * `…/corporate-actions`): response schemas and the adjust modes a candle read takes.
 */
import { z } from 'zod';

/** How candles are read: raw, split-adjusted, or adjusted for splits and cash dividends. */
export const ADJUST_MODES = ['none', 'split', 'total'] as const;
export const AdjustModeSchema = z.enum(ADJUST_MODES);
export type AdjustModeName = (typeof ADJUST_MODES)[number];

export const DataVersionSchema = z.object({
  id: z.number().describe('Ascending; pass it as `asOf` to read the history as it stood after it.'),
  exchange: z.string().nullable(),
  symbol: z.string(),
  interval: z.string().nullable().describe('Null when it spans every interval (a download) or none.'),
  kind: z.enum(['import', 'upload', 'download', 'delete', 'corporate-actions', 'correction']),
  source: z.string(),
  firstOpen: z.number().nullable(),
  lastOpen: z.number().nullable(),
  changed: z.number().describe('Candles written or deleted; actions stored.'),
  createdAt: z.number(),
});

export const DataVersionsResponseSchema = z.object({
  symbol: z.string(),
  versions: z.array(DataVersionSchema),
});

export const CorporateActionSchema = z.object({
  id: z.number(),
  symbol: z.string(),
  kind: z.enum(['split', 'dividend']),
  exDate: z.string(),
  exTime: z.number(),
  ratio: z.number().nullable().describe('Split: shares after per share before.'),
  amount: z.number().nullable().describe('Dividend: cash per share.'),
  source: z.string(),
  status: z.enum(['applied', 'flagged']),
  reason: z.string().nullable().describe('Why a flagged action contradicts the stored prices.'),
  dataVersion: z.number(),
});

export const CorporateActionsResponseSchema = z.object({
  symbol: z.string(),
  actions: z.array(CorporateActionSchema),
});

export const CorporateActionsStoredSchema = z.object({
  symbol: z.string(),
  version: z.number().nullable(),
  stored: z.array(CorporateActionSchema),
  duplicates: z.number(),
});

export type DataVersionView = z.infer<typeof DataVersionSchema>;
export type CorporateActionView = z.infer<typeof CorporateActionSchema>;
