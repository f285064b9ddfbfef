/** @module Events the accounts component publishes. */
import { TIERS } from '@tickline/identity';
import { defineEvent } from '@tickline/kernel';
import { z } from 'zod';

/** A decimal amount as an exact string: `10000.00`. */
const Decimal = z.string().regex(/^\d{1,18}(\.\d{1,8})?$/, 'expected a non-negative decimal string');

export const PositionSchema = z.object({
  symbol: z.string().min(1).max(32),
  quantity: Decimal,
  averagePrice: Decimal,
});
export type Position = z.infer<typeof PositionSchema>;

export const AccountSnapshotDataSchema = z.object({
  accountId: z.uuid(),
  tier: z.enum(TIERS),
  /**
   * The currency of `cash` and of position prices: an ISO 4217 code, or an asset such as USDT (the
   * paper venue's quote). Snapshots before 2026-11-24 say USD.
   */
  currency: z.string().regex(/^[A-Z]{3,10}$/),
  /** Paper cash available. */
  cash: Decimal,
  positions: z.array(PositionSchema),
  generatedAt: z.iso.datetime(),
});
export type AccountSnapshotData = z.infer<typeof AccountSnapshotDataSchema>;

/**
 * The account's initial portfolio snapshot was generated (subject and partition key: the account
 * id). Caused by `account.created`; delivered to the account's user on `user:{id}`.
 */
export const AccountSnapshotGenerated = defineEvent<AccountSnapshotData>({
  type: 'account.snapshot.generated',
  description:
    "An account's initial paper-portfolio snapshot was generated (starting cash by tier, no positions).",
  schema: AccountSnapshotDataSchema,
});

/** Every event the accounts component defines, for the process registry. */
export const ACCOUNT_EVENTS = [AccountSnapshotGenerated] as const;
