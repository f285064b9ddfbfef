/**
 * @module The answer of `GET /portfolios/{id}/reconciliations` and `POST …/reconciliations`: the
 * stored reports (reconciliation-store.ts) as JSON, times as epoch ms.
 */
import { z } from 'zod';

const Figures = z.object({ status: z.string(), filledQuantity: z.number() });

export const ReconciliationDifferenceSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('order_changed'),
    clientOrderId: z.string(),
    symbol: z.string(),
    books: Figures,
    venue: Figures,
  }),
  z.object({
    kind: z.literal('order_unknown'),
    clientOrderId: z.string(),
    symbol: z.string(),
    venue: Figures,
  }),
  z.object({
    kind: z.literal('order_missing'),
    clientOrderId: z.string(),
    symbol: z.string(),
    books: Figures,
  }),
  z.object({
    kind: z.literal('balance'),
    asset: z.string(),
    books: z.number(),
    venue: z.number(),
    delta: z.number(),
  }),
]);

export const ReconciliationReportSchema = z.object({
  reconciliationId: z.string(),
  portfolioId: z.string(),
  venue: z.string(),
  trigger: z.enum(['start', 'reconnect', 'gap', 'request']),
  startedAt: z.number(),
  finishedAt: z.number(),
  agreed: z.boolean(),
  differences: z.array(ReconciliationDifferenceSchema),
  venueReport: z.object({
    openOrders: z.array(Figures.extend({ clientOrderId: z.string(), symbol: z.string() })),
    balances: z.array(z.object({ asset: z.string(), free: z.number(), locked: z.number() })),
  }),
  error: z.string().optional(),
});

export const ReconciliationsResponseSchema = z.object({
  portfolioId: z.string(),
  /** Held on this process: new orders are refused until a reconciliation agrees. */
  reconciling: z.object({ trigger: z.string(), since: z.number() }).nullable(),
  reports: z.array(ReconciliationReportSchema),
});
