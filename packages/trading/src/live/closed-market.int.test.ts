import { createInMemoryEventLog } from '@tickline/eventlog';
import { ManualClock } from '@tickline/kernel';
import { resolveBacktestSettings } from '@tickline/strategy/internal';
import { describe, expect, it } from 'vitest';
import { manualClientOrderId } from '../broker/client-order-id.ts';
import { LiveSettingsSchema } from '../module/trading-settings.ts';
import { RiskLimitsSchema } from '../risk/risk-limits.ts';
import { tradingDatabase } from '../testing/trading-database.ts';
import { createLiveHost } from './live-host.ts';

/** 2026-01-01, New Year's Day: NYSE is closed all day. */
const HOLIDAY = Date.UTC(2026, 0, 1, 15);
const P = '5e0c2a1b-7d3f-4e8a-9c6b-0f1e2d3c4b5a';

/**
 * `trading.live.closedMarket` reaches the paper broker of the live host: a share order placed while
 * its exchange is closed is refused with `market_closed` (the default) or kept working (`queue`).
 */
describe('live - a share order while its market is closed', () => {
  const db = tradingDatabase();

  /** Places a limit buy of AAPL.US through the host's desk, as a manual order arrives. */
  async function placeWith(closedMarket: 'refuse' | 'queue' | undefined, key: string) {
    const host = createLiveHost({
      eventLog: createInMemoryEventLog({ name: 'main' }),
      publish: () => undefined,
      sql: db.sql,
      clock: new ManualClock(HOLIDAY),
      member: 'm1',
      symbols: new Set(['AAPL.US']),
      settings: resolveBacktestSettings({ startingCapital: 10_000 }),
      risk: RiskLimitsSchema.parse({}),
      load: async () => ({ onCandle() {} }),
      history: async () => [],
      ...(closedMarket === undefined ? {} : { closedMarket }),
    });
    host.books.open(P, 10_000, []);
    return host.desk.place({
      portfolioId: P,
      clientOrderId: manualClientOrderId('u1', key),
      symbol: 'AAPL.US',
      side: 'buy',
      type: 'limit',
      price: 190,
      quantity: 1,
      timeInForce: 'gtc',
      origin: { kind: 'manual', userId: 'u1' },
    });
  }

  it('refuses it by default, as the setting defaults', async () => {
    expect(LiveSettingsSchema.parse({}).closedMarket).toBe('refuse');
    expect(await placeWith(undefined, 'default')).toMatchObject({
      status: 'rejected',
      rejectReason: 'market_closed',
    });
    expect(await placeWith('refuse', 'refuse')).toMatchObject({ rejectReason: 'market_closed' });
  });

  it('keeps it working until the session opens with closedMarket: queue', async () => {
    expect(await placeWith('queue', 'queue')).toMatchObject({ status: 'new', symbol: 'AAPL.US' });
  });
});
