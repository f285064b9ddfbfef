import { describe, expect, it } from 'vitest';
import type { NetworkSourceOptions } from '../network/options.ts';
import { CoinbaseMock, type CoinbaseMockOptions, type CoinbaseMockTrade } from '../testing/coinbase-mock.ts';
import type { MockedSource } from '../testing/harness.ts';
import { mockedSourceFixture } from '../testing/mocked-source-fixture.ts';
import { readRecording, RECORDINGS } from '../testing/recording.ts';
import { createCoinbaseSource } from './source.ts';

const T0 = Date.UTC(2024, 2, 15, 10, 0, 0);
const MINUTE = 60_000;

const sources = mockedSourceFixture();

async function setup(
  options: NetworkSourceOptions = {},
  mockOptions: CoinbaseMockOptions = {},
): Promise<MockedSource<CoinbaseMock>> {
  const started = await sources.start(
    new CoinbaseMock({ heartbeatMs: 50, ...mockOptions }),
    createCoinbaseSource,
    { silenceMs: 400, ...options },
    { symbols: ['BTC-USD'] },
  );
  // Subscribed to both channels (heartbeats first, then market_trades).
  const { mock } = started;
  const subscribed = (): boolean => mock.channelsOf(mock.connections[0]!).market_trades !== undefined;
  if (!subscribed()) await mock.waitFor((e) => e.type === 'message' && subscribed());
  return started;
}

const trade = (id: number, at: number, side: 'BUY' | 'SELL' = 'BUY'): CoinbaseMockTrade => ({
  trade_id: String(id),
  price: '67000.01',
  size: '0.002',
  side,
  time: new Date(at).toISOString(),
});

describe('coinbase source against a loopback mock', () => {
  it('subscribe - heartbeats and market_trades, one channel per subscribe message', async () => {
    const { mock } = await setup();
    const conn = mock.connections[0]!;
    expect(conn.received.map((t) => JSON.parse(t) as unknown)).toEqual([
      { type: 'subscribe', channel: 'heartbeats' },
      { type: 'subscribe', product_ids: ['BTC-USD'], channel: 'market_trades' },
    ]);
    expect(mock.channelsOf(conn)).toEqual({ heartbeats: [], market_trades: ['BTC-USD'] });
  });

  it('normalize - market_trades updates become canonical trades with ISO times in ms', async () => {
    const { mock, probe } = await setup();
    mock.trades('BTC-USD', [trade(501, T0 + 1), trade(502, T0 + 2, 'SELL')]);
    await probe.untilTrade('502');
    expect(probe.trades()).toEqual([
      expect.objectContaining({
        exchange: 'coinbase',
        symbol: 'BTC-USD',
        tradeId: '501',
        price: 67000.01,
        size: 0.002,
        side: 'buy',
        exchangeTime: T0 + 1,
      }),
      expect.objectContaining({ tradeId: '502', side: 'sell' }),
    ]);
  });

  it('heartbeats - 1 s heartbeats (50 ms here) keep a trade-less connection live past the watchdog', async () => {
    const { mock, source } = await setup({ silenceMs: 200 });
    let beats = 0;
    // Twelve heartbeats span three silence windows with nothing else on the wire.
    await mock.waitFor((e) => e.type === 'sent' && e.text.includes('"heartbeats"') && ++beats === 12);
    expect(source.stats.stale).toBe(0);
    expect(source.state()).toBe('live');
    expect(mock.connections).toHaveLength(1);
  });

  it('sequence gap - a skipped sequence_num marks every symbol and backfills the closed minutes', async () => {
    const { mock, source, probe } = await setup();
    mock.candles.set('BTC-USD', [
      { start: String(T0 / 1000), low: '1', high: '3', open: '2', close: '2.5', volume: '9' },
      { start: String((T0 + MINUTE) / 1000), low: '2', high: '4', open: '2.5', close: '3', volume: '5' },
    ]);
    mock.trades('BTC-USD', [trade(10, T0 + 20_000)]);
    await probe.untilTrade('10');
    const rest = mock.waitFor((e) => e.type === 'rest' && e.url);
    mock.skipSequence(3);
    mock.trades('BTC-USD', [trade(14, T0 + 2 * MINUTE + 1_000)]);
    const marker = await probe.untilMessage((m) => m.kind === 'disconnect');
    expect(marker).toMatchObject({ symbols: ['BTC-USD'], reason: 'sequence gap: 3 frames missed' });
    const url = await rest;
    expect(url.pathname).toBe('/api/v3/brokerage/market/products/BTC-USD/candles');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      start: String(T0 / 1000),
      end: String((T0 + 2 * MINUTE) / 1000 - 1),
      granularity: 'ONE_MINUTE',
      limit: '300',
    });
    await probe.untilMessage((m) => m.kind === 'candle' && m.candle.openTime === T0 + MINUTE);
    const candles = probe.messages.items.flatMap((m) => (m.kind === 'candle' ? [m.candle] : []));
    expect(candles.map((c) => [c.openTime, c.open, c.close, c.volume])).toEqual([
      [T0, 2, 2.5, 9],
      [T0 + MINUTE, 2.5, 3, 5],
    ]);
    expect(source.stats.gaps).toBe(1);
  });

  it('out of order - a repeated sequence_num is counted; its duplicate trades are dropped, late ones kept', async () => {
    const { mock, source, probe } = await setup({}, { heartbeatMs: 60_000 });
    mock.trades('BTC-USD', [trade(20, T0 + 20), trade(21, T0 + 21)]);
    await probe.untilTrade('21');
    mock.rewindSequence(1);
    mock.trades('BTC-USD', [trade(21, T0 + 21), trade(19, T0 + 19)]);
    mock.trades('BTC-USD', [trade(22, T0 + 22)]);
    await probe.untilTrade('22');
    expect(probe.trades().map((t) => t.tradeId)).toEqual(['20', '21', '19', '22']);
    expect(source.stats).toMatchObject({ duplicates: 1, outOfOrder: 2 });
  });

  it('reconnect - the snapshot after a reconnect repeats trades; they are dropped, no duplicates reach the stream', async () => {
    const { mock, source, probe } = await setup();
    mock.trades('BTC-USD', [trade(30, T0 + 30), trade(31, T0 + 31)]);
    await probe.untilTrade('31');
    const again = mock.nextConnection();
    mock.dropAll();
    await again;
    await probe.untilState('live', 2);
    mock.trades('BTC-USD', [trade(32, T0 + 32)]);
    await probe.untilTrade('32');
    expect(probe.trades().map((t) => t.tradeId)).toEqual(['30', '31', '32']);
    expect(source.stats.duplicates).toBe(2);
    expect(probe.messages.items.filter((m) => m.kind === 'disconnect')).toHaveLength(1);
  });

  it('errors - error messages and unknown channels are counted or ignored without a reconnect', async () => {
    const { mock, source, probe } = await setup();
    mock.sendRaw(JSON.stringify({ type: 'error', message: 'rate limit exceeded' }));
    mock.sendRaw(JSON.stringify({ channel: 'status', sequence_num: 1_000, events: [] }));
    mock.sendRaw('{{{');
    mock.trades('BTC-USD', [trade(40, T0)]);
    await probe.untilTrade('40');
    expect(source.stats).toMatchObject({ venueErrors: 1, malformed: 1, disconnects: 0 });
  });

  it('recorded - the recorded session replays into its trades, snapshot included', async () => {
    const { mock, probe } = await setup({}, { heartbeatMs: 60_000 });
    await mock.replay(readRecording(RECORDINGS.coinbase), 'max');
    await probe.untilTrade('640000003');
    expect(probe.trades().map((t) => [t.tradeId, t.side])).toEqual([
      ['640000002', 'sell'],
      ['640000001', 'buy'],
      ['640000003', 'buy'],
    ]);
  });
});
