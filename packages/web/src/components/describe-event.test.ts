import { describe, expect, it } from 'vitest';
import { describeEvent, formatMoney } from './describe-event.ts';

describe('notification text', () => {
  it('notifications - the welcome snapshot reads as money, tier included', () => {
    const text = describeEvent({
      id: '1',
      type: 'account.snapshot.generated',
      channel: 'user:1',
      data: { cash: '10000.00', currency: 'USD', tier: 'free', positions: [] },
    });
    expect(text).toEqual({
      title: 'Your paper portfolio is ready',
      body: expect.stringMatching(/10,000\.00 starting cash \(free tier\)\.$/),
    });
  });

  it('notifications - unknown types show their name and a short summary of the data', () => {
    const long = { note: 'x'.repeat(300) };
    const text = describeEvent({ id: '2', type: 'thing.happened', channel: 'user:1', data: long });
    expect(text.title).toBe('thing.happened');
    expect(text.body.length).toBe(140);
    expect(text.body.endsWith('…')).toBe(true);
  });

  it('notifications - a history download’s end reads as what it got, or how to resume', () => {
    const download = { symbol: 'BTC-USDT', interval: '1h', venue: 'binance', daysTotal: 3, candles: 72 };
    const event = (data: unknown) =>
      describeEvent({ id: '5', type: 'history.download.completed', channel: 'user:1', data });
    expect(event({ download: { ...download, status: 'complete', error: null } })).toEqual({
      title: 'History downloaded',
      body: 'BTC-USDT 1h from binance: 72 candles over 3 days.',
    });
    expect(
      event({
        download: {
          ...download,
          status: 'failed',
          error: { code: 'MARKET_VENUE_RATE_LIMITED', message: 'banned' },
        },
      }),
    ).toEqual({
      title: 'History download stopped',
      body: 'BTC-USDT 1h from binance: MARKET_VENUE_RATE_LIMITED: banned. Get history again to resume.',
    });
  });

  it('notifications - a research run’s end reads as its kind and outcome, not its JSON', () => {
    const ref = { researchId: 'r1', strategyId: 's1', version: 2 };
    const event = (data: unknown) =>
      describeEvent({ id: '4', type: 'research.completed', channel: 'user:1', data });
    expect(event({ ...ref, kind: 'walk-forward', status: 'succeeded', error: null })).toEqual({
      title: 'Walk-forward finished',
      body: 'Strategy version 2: the report is ready.',
    });
    expect(
      event({
        ...ref,
        kind: 'search',
        status: 'failed',
        error: { code: 'STRATEGY_TIER_LIMIT', message: 'too many' },
      }),
    ).toEqual({ title: 'Parameter search failed', body: 'STRATEGY_TIER_LIMIT: too many' });
  });

  it('notifications - money falls back to the raw amount when it is not a number', () => {
    expect(formatMoney('abc', 'USD')).toBe('abc');
    expect(formatMoney('10000.00', 'USDT')).toBe(formatMoney('10000.00', 'USD'));
    expect(formatMoney(undefined, 'USD')).toBe('—');
  });

  it('notifications - fills, refusals, signals and pauses read as sentences', () => {
    const event = (type: string, data: unknown) => describeEvent({ id: '3', type, channel: 'user:1', data });
    expect(
      event('portfolio.order.filled', {
        symbol: 'BTC-USDT',
        side: 'buy',
        quantity: 0.01,
        price: 60_000,
        cash: 9_400,
        equity: 10_000,
      }),
    ).toEqual({
      title: 'Bought 0.01 BTC-USDT',
      body: expect.stringMatching(/^At 60,000\. Cash \$9,400\.00, equity \$10,000\.00\.$/),
    });
    expect(
      event('order.rejected', {
        symbol: 'BTC-USDT',
        side: 'buy',
        quantity: 5,
        reason: 'insufficient_funds',
        detail: 'no cash',
      }).body,
    ).toBe('buy 5 BTC-USDT: no cash (insufficient_funds)');
    expect(
      event('strategy.signal', {
        symbol: 'ETH-USDT',
        side: 'sell',
        type: 'market',
        quantity: 1,
        reason: 'cross down',
      }).body,
    ).toBe('sell 1 ETH-USDT market · cross down');
    expect(
      event('strategy.live.paused', { code: 'STRATEGY_SANDBOX_TIMEOUT', reason: 'took too long' }).body,
    ).toBe('took too long (STRATEGY_SANDBOX_TIMEOUT)');
  });
});
