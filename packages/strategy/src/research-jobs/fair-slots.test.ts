import { describe, expect, it } from 'vitest';
import { FairSlots } from './fair-slots.ts';

describe('research - trial slots shared account by account', () => {
  it("gives a newcomer's trial the next free slot, ahead of two accounts' long queues", async () => {
    // Given one slot, held by ann, with ann and bob each having 50 trials waiting
    const slots = new FairSlots(1);
    const order: string[] = [];
    const held: Array<() => void> = [];
    const take = (account: string): void => {
      void slots.acquire(account).then((release) => {
        order.push(account);
        held.push(release);
      });
    };
    for (let i = 0; i < 50; i++) {
      take('ann');
      take('bob');
    }
    await Promise.resolve();
    // When cy asks for one after them and slots are freed one by one
    take('cy');
    for (let i = 0; i < 4; i++) {
      held.shift()!();
      await new Promise((r) => setImmediate(r));
    }
    // Then the accounts take turns, and cy's trial runs third, not 101st
    expect(order).toEqual(['ann', 'bob', 'cy', 'ann', 'bob']);
  });

  it('drops a waiter whose job was cancelled', async () => {
    const slots = new FairSlots(1);
    const first = await slots.acquire('ann');
    const abort = new AbortController();
    const waiting = slots.acquire('bob', abort.signal);
    abort.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'STRATEGY_RUN_CANCELLED' });
    first();
    expect(slots.inFlight('ann')).toBe(0);
    const next = await slots.acquire('cy');
    expect(slots.inFlight('cy')).toBe(1);
    next();
  });
});
