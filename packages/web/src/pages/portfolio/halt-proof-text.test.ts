import type { HaltProofView } from '@tickline/client';
import { describe, expect, it } from 'vitest';
import { haltDetailLines, haltVerdictText } from './halt-proof-text.ts';

const AT = Date.UTC(2026, 10, 27, 12, 0, 0);
const proof: HaltProofView = {
  haltId: 'h1',
  portfolioId: 'p1',
  scope: 'portfolio',
  actor: 'user',
  by: 'u1',
  reason: 'stop',
  engagedAt: AT,
  flatten: true,
  builtAt: AT + 500,
  halted: true,
  ordersAfter: [],
  refusedAfter: 1,
  cancels: [
    {
      clientOrderId: 'a',
      symbol: 'BTC-USDT',
      side: 'buy',
      quantity: 0.5,
      status: 'cancelled',
      createdAt: AT - 1_000,
      confirmed: true,
      cancelledAt: AT + 12,
      filledQuantity: 0,
    },
  ],
  flat: {
    done: true,
    flatAt: AT + 250,
    timeToFlatMs: 250,
    closes: [
      {
        symbol: 'BTC-USDT',
        side: 'sell',
        quantity: 2,
        clientOrderId: 'halt-x',
        status: 'filled',
        filledQuantity: 2,
        filledAt: AT + 250,
      },
    ],
  },
  problems: [],
};

describe('halt proof text', () => {
  it('says the proof holds, how many were cancelled, and the time to flat', () => {
    expect(haltVerdictText(proof)).toBe(
      'Halt proven at 12:00:00.000 UTC: 1 of 1 working orders cancelled by the venue, 0 orders after the switch (1 refused); flat 250 ms after the switch.',
    );
    expect(haltDetailLines(proof)).toEqual([
      'Cancelled: buy 0.5 BTC-USDT at 12:00:00.012',
      'Closed at market: sell 2 BTC-USDT — filled at 12:00:00.250',
    ]);
  });

  it('says why a proof does not hold yet', () => {
    const pending = {
      ...proof,
      halted: false,
      flat: { done: false, closes: [] },
      problems: ['position BTC-USDT is not closed yet'],
    };
    expect(haltVerdictText(pending)).toMatch(/^Not proven yet .*; closing positions…\.$/);
    expect(haltDetailLines(pending).at(-1)).toBe('position BTC-USDT is not closed yet');
  });
});
