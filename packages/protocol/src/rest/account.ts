/**
 * @module The account's paper-portfolio snapshot on the wire: `GET /api/v1/accounts/me/snapshot`
 * (pending until generated) and the data of `account.snapshot.generated` on `user:{id}`.
 */
import { z } from 'zod';
import { TIERS } from '../sets/identity-sets.ts';

export const AccountSnapshotSchema = z.object({
  accountId: z.uuid(),
  tier: z.enum(TIERS),
  currency: z.string(),
  cash: z.string().describe('Exact decimal'),
  positions: z.array(z.object({ symbol: z.string(), quantity: z.string(), averagePrice: z.string() })),
  generatedAt: z.iso.datetime(),
});
/** The initial portfolio of an account. */
export type AccountSnapshot = z.infer<typeof AccountSnapshotSchema>;

export const AccountSnapshotStatusSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('pending') }),
  z.object({ status: z.literal('ready'), snapshot: AccountSnapshotSchema }),
]);
/** `GET /accounts/me/snapshot`. */
export type AccountSnapshotStatus = z.infer<typeof AccountSnapshotStatusSchema>;
