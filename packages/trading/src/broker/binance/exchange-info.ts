/**
 * @module A symbol's order size filters from Binance's public `GET /api/v3/exchangeInfo`: LOT_SIZE
 * (`stepSize`, `minQty`) and NOTIONAL (or the older MIN_NOTIONAL) `minNotional`. Read for a
 * flatten's closing order, which must be on the step to be taken (halt/close-lot.ts).
 */
import { z } from 'zod';
import type { LotRules } from '../broker.ts';

const filterSchema = z.object({
  filterType: z.string(),
  stepSize: z.string().optional(),
  minQty: z.string().optional(),
  minNotional: z.string().optional(),
});

/** The part of an `exchangeInfo` answer read here. */
export const exchangeInfoSchema = z.object({
  symbols: z.array(z.object({ symbol: z.string(), filters: z.array(filterSchema) })),
});

/** `venueSymbol`'s lot rules in an `exchangeInfo` answer; undefined when it lists no LOT_SIZE. */
export function lotRulesOf(body: unknown, venueSymbol: string): LotRules | undefined {
  const info = exchangeInfoSchema.parse(body);
  const filters = info.symbols.find((s) => s.symbol === venueSymbol)?.filters ?? [];
  const lot = filters.find((f) => f.filterType === 'LOT_SIZE');
  const stepSize = Number(lot?.stepSize);
  if (lot === undefined || !(stepSize > 0)) return undefined;
  const notional = filters.find((f) => f.filterType === 'NOTIONAL' || f.filterType === 'MIN_NOTIONAL');
  const minNotional = Number(notional?.minNotional ?? 0);
  return {
    stepSize,
    minQty: Number(lot.minQty ?? 0) || 0,
    minNotional: Number.isFinite(minNotional) ? minNotional : 0,
  };
}
