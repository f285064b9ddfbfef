import { describe, expect, it } from 'vitest';
import { jsonServer, recordingIo } from '../test-io.test-support.ts';
import { reconcileCommand, type ReconciliationView } from './reconcile-actions.ts';

const T = Date.UTC(2026, 0, 1);
const report: ReconciliationView = {
  reconciliationId: 'r1',
  venue: 'binance-spot',
  trigger: 'reconnect',
  finishedAt: T,
  agreed: true,
  differences: [
    {
      kind: 'order_changed',
      clientOrderId: 'c1',
      books: { status: 'new', filledQuantity: 0 },
      venue: { status: 'filled', filledQuantity: 0.1 },
    },
    { kind: 'balance', asset: 'USDT', books: 9897.9, venue: 10147.9, delta: 250 },
  ],
};

describe('tickline reconcile', () => {
  it('lists the reports latest first, each difference under its report, and says when orders wait', async () => {
    const { io, text } = recordingIo();
    const { requests: asked, fetchFn } = jsonServer({
      portfolioId: 'p1',
      reconciling: { trigger: 'gap' },
      reports: [report],
    });
    await reconcileCommand(io, { portfolio: 'p1', limit: '5' }, fetchFn);
    expect(asked).toEqual(['GET http://127.0.0.1:8080/api/v1/portfolios/p1/reconciliations?limit=5']);
    expect(text().split('\n')).toEqual([
      'reconciling now (gap): new orders wait',
      '2026-01-01T00:00:00.000Z binance-spot reconnect: agreed, 2 differences corrected',
      '  order c1: books new (0 filled), venue filled (0.1 filled)',
      '  USDT: books 9897.9, venue 10147.9 (+250)',
      '',
    ]);
  });

  it('--now runs one and prints it; a bad --limit is refused before any request', async () => {
    const { io, text } = recordingIo();
    const { requests: asked, fetchFn } = jsonServer({ ...report, trigger: 'request', differences: [] });
    await reconcileCommand(io, { portfolio: 'p1', now: true }, fetchFn);
    expect(asked).toEqual(['POST http://127.0.0.1:8080/api/v1/portfolios/p1/reconciliations']);
    expect(text()).toContain('binance-spot request: agreed, 0 differences corrected');
    await expect(reconcileCommand(io, { portfolio: 'p1', limit: '0' }, fetchFn)).rejects.toThrow(/--limit/);
    expect(asked).toHaveLength(1);
  });
});
