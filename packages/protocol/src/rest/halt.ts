/**
 * @module The kill switch's halt proofs over REST: engaging with `flatten` and over a scope
 * (`POST /kill-switch`), and reading a halt's proofs (`GET /halts/{id}`) or a portfolio's latest
 * (`GET /portfolios/{id}/halts`). Times are epoch ms. See docs/live-strategies.md "Kill switch and
 * halt proof".
 */
import { z } from 'zod';
import { KillSwitchStateResponseSchema, KillSwitchStateSchema } from './risk.ts';

export const HALT_SCOPES = ['portfolio', 'account', 'venue', 'everything'] as const;

const ProofOrderSchema = z.object({
  clientOrderId: z.string(),
  symbol: z.string(),
  side: z.enum(['buy', 'sell']),
  quantity: z.number(),
  status: z.string(),
  createdAt: z.number(),
  venueOrderId: z.string().optional(),
});

/** One portfolio's halt proof (trading `halt/halt-proof.ts`), built from the order journal on read. */
export const HaltProofSchema = z.object({
  haltId: z.string(),
  portfolioId: z.string(),
  scope: z.enum(HALT_SCOPES),
  target: z.string().optional(),
  actor: z.enum(['user', 'admin']),
  by: z.string(),
  reason: z.string(),
  /** The switch's time. */
  engagedAt: z.number(),
  flatten: z.boolean(),
  builtAt: z.number(),
  /** No order reached the venue after the switch, every working order was confirmed cancelled (and flat, with flatten). */
  halted: z.boolean(),
  ordersAfter: z.array(ProofOrderSchema),
  refusedAfter: z.number(),
  cancels: z.array(
    ProofOrderSchema.extend({
      confirmed: z.boolean(),
      cancelledAt: z.number().optional(),
      filledQuantity: z.number(),
    }),
  ),
  flat: z
    .object({
      done: z.boolean(),
      flatAt: z.number().optional(),
      timeToFlatMs: z.number().optional(),
      closes: z.array(
        z.object({
          symbol: z.string(),
          side: z.enum(['buy', 'sell']),
          quantity: z.number(),
          clientOrderId: z.string(),
          status: z.string(),
          filledQuantity: z.number(),
          averagePrice: z.number().optional(),
          filledAt: z.number().optional(),
          /** What the close left open under the venue's lot step, minimum quantity or notional. */
          dust: z.number().optional(),
        }),
      ),
      /** Positions' remainders the venue takes no order for (under its lot): dust, not open positions. */
      dust: z.array(z.object({ symbol: z.string(), quantity: z.number() })).optional(),
    })
    .optional(),
  /** Why `halted` is false, one line each. */
  problems: z.array(z.string()),
});

/** `POST /portfolios/{id}/kill-switch`: why, and whether to close every position at market. */
export const KillSwitchEngageBodySchema = z.strictObject({
  reason: z.string().min(1).max(200),
  flatten: z.boolean().default(false),
});

/** The answer of `POST /portfolios/{id}/kill-switch`: the switch, and the halt's proof as built now. */
export const KillSwitchEngagedResponseSchema = KillSwitchStateResponseSchema.extend({
  haltId: z.string(),
  haltProofUrl: z.string(),
  haltProof: HaltProofSchema,
});

/** `POST /kill-switch`: the switch over an account, a venue, or (admins) everything. */
export const HaltEngageBodySchema = z.strictObject({
  scope: z.enum(['account', 'venue', 'everything']),
  reason: z.string().min(1).max(200),
  flatten: z.boolean().default(false),
  /** The account of an `account` scope (admins only; default the caller's own). */
  userId: z.string().min(1).max(100).optional(),
  /** The venue of a `venue` scope: `paper` or a bound venue's name (`binance`). */
  venue: z.string().min(1).max(40).optional(),
});

/** The answer of an engagement over a scope, and of `GET /halts/{id}`. */
export const HaltResponseSchema = z.object({
  haltId: z.string(),
  /** Where the proofs are read again (they are rebuilt from the journal on every read). */
  haltProofUrl: z.string(),
  portfolios: z.array(
    z.object({ portfolioId: z.string(), cancelled: z.number(), killSwitch: KillSwitchStateSchema }),
  ),
  proofs: z.array(HaltProofSchema),
});

/** `GET /halts/{id}` and `GET /portfolios/{id}/halts`. */
export const HaltProofsResponseSchema = z.object({ proofs: z.array(HaltProofSchema) });

export type HaltProofView = z.infer<typeof HaltProofSchema>;
export type HaltEngageInput = z.input<typeof HaltEngageBodySchema>;
export type HaltResponse = z.infer<typeof HaltResponseSchema>;
