/**
 * @module The events of a reconciliation (docs/events.md): `portfolio.balance.corrected` for each
 * asset the venue holds in another quantity than the books (the books take the venue's), and
 * `portfolio.reconciled` once a comparison is stored. Orders are corrected by their own lifecycle
 * events (`order.filled`, `order.cancelled`, `order.placed`) through the order desk. Subject and
 * partition key: the portfolio.
 */
import { defineEvent } from '@tickline/kernel';
import { z } from 'zod';

export const PortfolioBalanceCorrected = defineEvent({
  type: 'portfolio.balance.corrected',
  description:
    "A reconciliation found an asset's quantity at the venue different from the books (changed from outside); the books take the venue's.",
  schema: z.object({
    portfolioId: z.string().min(1),
    reconciliationId: z.string().min(1),
    venue: z.string().min(1),
    asset: z.string().min(1),
    booksQuantity: z.number().finite(),
    venueQuantity: z.number().finite(),
    delta: z.number().finite(),
  }),
});

export const PortfolioReconciled = defineEvent({
  type: 'portfolio.reconciled',
  description:
    "A portfolio's books were compared with its venue's report; agreed is false when the venue could not be read (new orders stay refused).",
  schema: z.object({
    portfolioId: z.string().min(1),
    reconciliationId: z.string().min(1),
    venue: z.string().min(1),
    trigger: z.string().min(1),
    agreed: z.boolean(),
    differences: z.int().nonnegative(),
  }),
});
