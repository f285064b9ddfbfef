import { describe, expect, it } from 'vitest';
import { parityLatestText } from './parity-text.ts';

const buy = {
  candleCloseTime: 60_000,
  symbol: 'BTC-USDT',
  side: 'buy',
  type: 'market',
  percent: 40,
} as const;

describe('live run parity wording', () => {
  it('names the first divergence’s decision, field and both sides; an identical check its decisions', () => {
    expect(
      parityLatestText(
        {
          checkedAt: 1,
          state: 'diverged',
          decisions: 61,
          firstDivergence: {
            decision: 61,
            field: 'quantity',
            live: { ...buy, quantity: 2.826 },
            replay: { ...buy, quantity: 3 },
          },
        },
        'now',
      ),
    ).toBe(
      'Parity checked now: diverges from the backtest at decision 61 (quantity differs) — live buy 40% (2.826) BTC-USDT market, backtest buy 40% (3) BTC-USDT market',
    );
    expect(parityLatestText({ checkedAt: 1, state: 'identical', decisions: 12 }, 'now')).toBe(
      'Parity checked now: identical, 12 decisions',
    );
  });
});
