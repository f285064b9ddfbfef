/**
 * @module The initial portfolio snapshot of a new account: paper cash by tier, no positions.
 * Pure: the time comes in.
 */
import type { AccountCreatedData, Tier } from '@tickline/identity';
import type { AccountSnapshotData } from './account-events.ts';

/**
 * Paper trading currency: the quote asset of every paper symbol (`BASE-USDT`), so the snapshot's
 * cash and the orders it pays for are in one currency (the snapshot said USD while orders traded
 * USDT).
 */
export const SNAPSHOT_CURRENCY = 'USDT';

/** Starting paper cash per tier, exact decimal strings (a step of ten per tier, as the limits). */
export const STARTING_CASH: Readonly<Record<Tier, string>> = Object.freeze({
  free: '10000.00',
  premium: '100000.00',
  enterprise: '1000000.00',
});

/** The snapshot of an account that `account.created` announced, generated at `generatedAt`. */
export function initialSnapshot(created: AccountCreatedData, generatedAt: Date): AccountSnapshotData {
  return {
    accountId: created.userId,
    tier: created.tier,
    currency: SNAPSHOT_CURRENCY,
    cash: STARTING_CASH[created.tier],
    positions: [],
    generatedAt: generatedAt.toISOString(),
  };
}
