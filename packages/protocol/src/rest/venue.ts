/**
 * @module A portfolio's venue over REST (`/api/v1/portfolios/:id/venue`): paper, or a live venue
 * it is bound to with an API key. The key and secret go in once, in the bind request; no answer
 * ever carries them back — only the key's last four characters and what the venue reported of its
 * permissions when it was bound.
 */
import { z } from 'zod';

/** Venues a portfolio may trade at. */
export const PortfolioVenueName = { Paper: 'paper', BinanceSpot: 'binance-spot' } as const;
export type PortfolioVenueName = (typeof PortfolioVenueName)[keyof typeof PortfolioVenueName];

/** What the venue reported of the bound key. `withdrawals` is null where the check cannot see it. */
export const VenueKeyPermissionsSchema = z.object({
  spotTrading: z.boolean(),
  withdrawals: z.boolean().nullable(),
  checkedWith: z.enum(['api-restrictions', 'account']),
});

/** One asset's balance at the venue. */
export const VenueBalanceSchema = z.object({ asset: z.string(), free: z.number(), locked: z.number() });

/** `GET`, `PUT` and `DELETE /portfolios/:id/venue`. */
export const PortfolioVenueResponseSchema = z.object({
  portfolioId: z.string(),
  venue: z.enum([PortfolioVenueName.Paper, PortfolioVenueName.BinanceSpot]),
  /** Last four characters of the bound API key. */
  apiKeyHint: z.string().optional(),
  permissions: VenueKeyPermissionsSchema.optional(),
  boundBy: z.string().optional(),
  /** Epoch ms. */
  boundAt: z.number().optional(),
  /** The account's balances at a live venue, when it answered (GET only). */
  balances: z.array(VenueBalanceSchema).optional(),
  /** Set when the venue did not answer for balances: the code of why. */
  balancesError: z.string().optional(),
  /** The live venues this server lets a portfolio bind to (none until the operator enables one). */
  liveVenues: z.array(z.enum([PortfolioVenueName.BinanceSpot])),
});

/**
 * `PUT /portfolios/:id/venue`: bind to Binance spot with a key and secret (checked at the venue
 * before anything is stored), or back to paper.
 */
export const BindVenueBodySchema = z.discriminatedUnion('venue', [
  z.strictObject({
    venue: z.literal(PortfolioVenueName.BinanceSpot),
    apiKey: z
      .string()
      .min(8)
      .max(128)
      .regex(/^[\x21-\x7e]+$/, 'printable ASCII, no spaces'),
    apiSecret: z
      .string()
      .min(8)
      .max(256)
      .regex(/^[\x21-\x7e]+$/, 'printable ASCII, no spaces'),
  }),
  z.strictObject({ venue: z.literal(PortfolioVenueName.Paper) }),
]);

export type VenueKeyPermissions = z.infer<typeof VenueKeyPermissionsSchema>;
export type VenueBalance = z.infer<typeof VenueBalanceSchema>;
export type PortfolioVenue = z.infer<typeof PortfolioVenueResponseSchema>;
export type BindVenueInput = z.input<typeof BindVenueBodySchema>;
