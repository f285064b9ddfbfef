import { AccountCreated, TIERS } from '@tickline/identity';
import { describe, expect, it } from 'vitest';
import { AccountSnapshotGenerated } from './account-events.ts';
import { initialSnapshot, STARTING_CASH } from './initial-snapshot.ts';

const USER = '01a20158-8c4b-767c-9f41-34690b545512';
const created = (tier: (typeof TIERS)[number]) =>
  AccountCreated.schema.parse({
    userId: USER,
    email: 'ada@example.com',
    role: 'user',
    tier,
    method: 'password',
  });

describe('accounts - initial snapshot', () => {
  it('snapshot - given a new free account, then 10,000.00 USDT of paper cash (the symbols’ quote) and no positions', () => {
    const at = new Date('2026-11-22T10:00:00.000Z');
    expect(initialSnapshot(created('free'), at)).toEqual({
      accountId: USER,
      tier: 'free',
      currency: 'USDT',
      cash: '10000.00',
      positions: [],
      generatedAt: '2026-11-22T10:00:00.000Z',
    });
  });

  it('snapshot - starting cash grows with the tier, and every snapshot fits the event schema', () => {
    const cash = TIERS.map((tier) => Number(STARTING_CASH[tier]));
    expect(cash).toEqual([...cash].sort((a, b) => a - b));
    expect(new Set(cash).size).toBe(TIERS.length);
    for (const tier of TIERS) {
      const snapshot = initialSnapshot(created(tier), new Date());
      expect(AccountSnapshotGenerated.schema.safeParse(snapshot).success, tier).toBe(true);
    }
  });

  it('snapshot - the event schema refuses inexact cash and foreign fields stay out', () => {
    const base = initialSnapshot(created('premium'), new Date());
    expect(AccountSnapshotGenerated.schema.safeParse({ ...base, cash: 1e5 }).success).toBe(false);
    expect(AccountSnapshotGenerated.schema.safeParse({ ...base, cash: '-1.00' }).success).toBe(false);
    expect(AccountSnapshotGenerated.type).toBe('account.snapshot.generated');
  });
});
