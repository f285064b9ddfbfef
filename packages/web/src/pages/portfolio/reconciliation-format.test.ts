import type { ReconciliationReport } from '@tickline/client';
import { describe, expect, it } from 'vitest';
import { differenceText, reportHeadline } from './reconciliation-format.ts';

const report: ReconciliationReport = {
  reconciliationId: 'r1',
  portfolioId: 'p1',
  venue: 'binance-spot',
  trigger: 'reconnect',
  startedAt: 0,
  finishedAt: 0,
  agreed: true,
  differences: [
    {
      kind: 'order_changed',
      clientOrderId: 'c1',
      symbol: 'BTC-USDT',
      books: { status: 'new', filledQuantity: 0 },
      venue: { status: 'filled', filledQuantity: 0.1 },
    },
    { kind: 'balance', asset: 'USDT', books: 9_897.9, venue: 10_147.9, delta: 250 },
  ],
};

describe('reconciliation card wording', () => {
  it('says why it ran, whether the books agreed, and each difference', () => {
    expect(reportHeadline(report)).toBe('Agreed after the venue reconnected: 2 differences corrected');
    expect(report.differences.map(differenceText)).toEqual([
      'Order c1 (BTC-USDT): new in the books, filled at the venue',
      'USDT: books 9897.9, venue 10147.9 (+250)',
    ]);
    expect(reportHeadline({ ...report, agreed: false, error: 'venue unavailable', differences: [] })).toBe(
      'Not agreed after the venue reconnected: venue unavailable',
    );
  });
});
