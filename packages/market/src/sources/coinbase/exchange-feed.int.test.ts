import { describe, expect, it } from 'vitest';
import type { NetworkSourceOptions } from '../network/options.ts';
import {
  CoinbaseExchangeMock,
  type CoinbaseExchangeMatch,
  type CoinbaseExchangeMockOptions,
} from '../testing/coinbase-exchange-mock.ts';
import type { MockedSource } from '../testing/harness.ts';
import { mockedSourceFixture } from '../testing/mocked-source-fixture.ts';
import { createCoinbaseSource } from './source.ts';

const T0 = Date.UTC(2024, 2, 15, 10, 0, 0);
const MINUTE = 60_000;

const sources = mockedSourceFixture();

async function setup(
  options: NetworkSourceOptions = {},
  mockOptions: CoinbaseExchangeMockOptions = {},
): Promise<MockedSource<CoinbaseExchangeMock>> {
  return sources.start(
    new CoinbaseExchangeMock({ heartbeatMs: 50, ...mockOptions }),
    (o) => createCoinbaseSource({ ...o, feed: 'exchange' }),
    { silenceMs: 400, ...options },
    { symbols: ['BTC-USD'] },
  );
}

const match = (id: number, at: number, side: 'buy' | 'sell' = 'sell'): CoinbaseExchangeMatch => ({
  trade_id: id,
  price: '67000.01',
  size: '0.002',
  side,
  time: new Date(at).toISOString().replace('Z', '123Z'),
});

describe('coinbase exchange feed against a loopback mock', () => {
  it('subscribe - product_ids with the heartbeat and matches channels, within the deadline', async () => {
    const { mock } = await setup({}, { subscribeDeadlineMs: 150 });
    const conn = mock.connections[0]!;
    expect(JSON.parse(conn.received[0]!)).toEqual({
      type: 'subscribe',
      product_ids: ['BTC-USD'],
      channels: ['heartbeat', 'matches'],
    });
    // Past the deadline the connection is still open: it subscribed in time.
    let beats = 0;
    await mock.waitFor((e) => e.type === 'sent' && e.text.includes('"heartbeat"') && ++beats === 6);
    expect(conn.closed).toBeNull();
  });

  it('normalize - match side is the maker side, so the aggressor is the other; µs times in ms', async () => {
    const { mock, probe } = await setup();
    mock.match('BTC-USD', match(10, T0 + 1, 'sell'));
    mock.match('BTC-USD', match(11, T0 + 2, 'buy'));
    await probe.untilTrade('11');
    expect(probe.trades()).toEqual([
      expect.objectContaining({
        exchange: 'coinbase',
        symbol: 'BTC-USD',
        tradeId: '10',
        side: 'buy',
        exchangeTime: T0 + 1,
        seq: 1,
      }),
      expect.objectContaining({ tradeId: '11', side: 'sell', seq: 2 }),
    ]);
  });

  it('gap and reconnect - last_match after a reconnect is a duplicate; a trade id jump is backfilled', async () => {
    const { mock, source, probe } = await setup();
    mock.candles.set('BTC-USD', [
      [T0 / 1000, 1, 3, 2, 2.5, 9],
      [(T0 + MINUTE) / 1000, 2, 4, 2.5, 3, 5],
    ]);
    mock.match('BTC-USD', match(20, T0 + 5_000));
    await probe.untilTrade('20');
    const again = mock.nextConnection();
    mock.dropAll();
    const conn = await again;
    // The resubscription makes the mock repeat trade 20 as last_match.
    if (conn.received.length === 0) await mock.nextMessage(() => true, conn);
    const rest = mock.waitFor((e) => e.type === 'rest' && e.url);
    mock.match('BTC-USD', match(23, T0 + 2 * MINUTE + 10));
    await probe.untilTrade('23');
    expect(probe.trades().map((t) => t.tradeId)).toEqual(['20', '23']);
    expect(source.stats).toMatchObject({ duplicates: 1, gaps: 1 });
    const url = await rest;
    expect(url.pathname).toBe('/products/BTC-USD/candles');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      granularity: '60',
      start: new Date(T0).toISOString(),
      end: new Date(T0 + MINUTE).toISOString(),
    });
    await probe.untilMessage((m) => m.kind === 'candle' && m.candle.openTime === T0 + MINUTE);
    const kinds = probe.messages.items.map((m) => (m.kind === 'trade' ? m.trade.tradeId : m.kind));
    expect(kinds).toEqual(['20', 'disconnect', 'disconnect', '23', 'candle', 'candle']);
  });

  it('heartbeats - a quiet product stays live on heartbeats alone', async () => {
    // Beats every 100 ms against a 1.5 s silence limit, watched for about 4 s: long past the limit,
    // so only the heartbeats keep it live, with room for a busy machine's pauses (at 50 ms against
    // 200 ms, one 200 ms stall of the test process read as silence).
    const { mock, source } = await setup({ silenceMs: 1_500 }, { heartbeatMs: 100 });
    let beats = 0;
    await mock.waitFor((e) => e.type === 'sent' && e.text.includes('"heartbeat"') && ++beats === 40, 30_000);
    expect(source.stats.stale).toBe(0);
    expect(mock.connections).toHaveLength(1);
  });
});
