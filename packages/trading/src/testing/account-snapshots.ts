/**
 * @module A new account's opening snapshot as sign-up makes one (10,000 USD of paper cash, nothing
 * held): what opens a paper portfolio in tests of the books, the projection and delivery.
 */
import type { EventEnvelope, EventSource } from '@tickline/kernel';
import { type AccountSnapshotData, AccountSnapshotGenerated } from '../accounts/account-events.ts';

export function openingSnapshot(
  source: EventSource,
  accountId: string,
  currency = 'USD',
): EventEnvelope<AccountSnapshotData> {
  return source.create(AccountSnapshotGenerated, {
    subject: accountId,
    data: {
      accountId,
      tier: 'free',
      currency,
      cash: '10000.00',
      positions: [],
      generatedAt: new Date().toISOString(),
    },
  });
}
