import { describe, expect, it } from 'vitest';
import type { NetworkSourceOptions } from '../network/options.ts';
import type { MockedSource } from '../testing/harness.ts';
import { mockedSourceFixture } from '../testing/mocked-source-fixture.ts';
import { readRecording, RECORDINGS } from '../testing/recording.ts';
import { UpbitMock, type UpbitMockOptions, type UpbitMockTrade } from '../testing/upbit-mock.ts';
import { createUpbitSource } from './source.ts';

const T0 = Date.UTC(2024, 2, 15, 10, 0, 0);
const MINUTE = 60_000;

const sources = mockedSourceFixture();

async function setup(
  options: NetworkSourceOptions = {},
  mockOptions: UpbitMockOptions = {},
): Promise<MockedSource<UpbitMock>> {
  return sources.start(new UpbitMock(mockOptions), createUpbitSource, options, {
    symbols: ['BTC-KRW'],
  });
}

const trade = (sid: number, at: number, askBid: 'ASK' | 'BID' = 'BID'): UpbitMockTrade => ({
  sequential_id: sid,
  trade_price: 95_000_000,
  trade_volume: 0.01,
  ask_bid: askBid,
  trade_timestamp: at,
});

describe('upbit source against a loopback mock', () => {
  it('subscribe - one array request with a ticket, upper-case quote-first codes and DEFAULT format', async () => {
    const { mock } = await setup();
    const conn = mock.connections[0]!;
    expect(conn.url.pathname).toBe('/websocket/v1');
    const request = JSON.parse(conn.received[0]!) as unknown[];
    expect(request).toEqual([
      { ticket: expect.stringMatching(/^[0-9a-f-]{36}$/) },
      { type: 'trade', codes: ['KRW-BTC'], is_only_snapshot: false, is_only_realtime: false },
      { format: 'DEFAULT' },
    ]);
    expect(mock.codesOf(conn)).toEqual(['KRW-BTC']);
  });

  it('normalize - binary JSON frames become canonical trades; ASK is a seller-initiated trade', async () => {
    const { mock, probe } = await setup();
    mock.trade('KRW-BTC', trade(1_710_496_800_000_001, T0, 'ASK'));
    mock.trade('KRW-BTC', trade(1_710_496_800_000_002, T0 + 1, 'BID'));
    await probe.untilTrade('1710496800000002');
    expect(probe.trades()).toEqual([
      expect.objectContaining({
        exchange: 'upbit',
        symbol: 'BTC-KRW',
        tradeId: '1710496800000001',
        price: 95_000_000,
        size: 0.01,
        side: 'sell',
        exchangeTime: T0,
      }),
      expect.objectContaining({ side: 'buy', exchangeTime: T0 + 1 }),
    ]);
  });

  it('keep-alive - PING text is sent and {"status":"UP"} answers keep the connection live', async () => {
    const { mock, source } = await setup({ keepaliveMs: 60, silenceMs: 300 }, { statusIntervalMs: 100 });
    const conn = mock.connections[0]!;
    await mock.nextMessage((t) => t === 'PING', conn);
    // No trades for several silence windows (PINGs are paced at 5/s): status answers keep it alive.
    await mock.waitFor((e) => e.type === 'message' && conn.received.filter((t) => t === 'PING').length >= 7);
    expect(source.stats.stale).toBe(0);
    expect(source.state()).toBe('live');
    expect(mock.connections).toHaveLength(1);
  });

  it('reconnect - the snapshot replayed after a drop is dropped as a duplicate; minutes missed are backfilled', async () => {
    const { mock, source, probe } = await setup();
    mock.candles.set('KRW-BTC', [
      {
        market: 'KRW-BTC',
        candle_date_time_utc: '2024-03-15T10:00:00',
        opening_price: 1,
        high_price: 3,
        low_price: 0.5,
        trade_price: 2,
        candle_acc_trade_volume: 4,
        candle_acc_trade_price: 8,
        timestamp: T0 + 59_000,
        unit: 1,
      },
      {
        market: 'KRW-BTC',
        candle_date_time_utc: '2024-03-15T10:01:00',
        opening_price: 2,
        high_price: 2,
        low_price: 1,
        trade_price: 1.5,
        candle_acc_trade_volume: 2,
        candle_acc_trade_price: 3,
        timestamp: T0 + 119_000,
        unit: 1,
      },
      {
        market: 'KRW-BTC',
        candle_date_time_utc: '2024-03-15T10:02:00',
        opening_price: 1.5,
        high_price: 1.5,
        low_price: 1.5,
        trade_price: 1.5,
        candle_acc_trade_volume: 1,
        candle_acc_trade_price: 1.5,
        timestamp: T0 + 121_000,
        unit: 1,
      },
    ]);
    mock.trade('KRW-BTC', trade(11, T0 + 10_000));
    await probe.untilTrade('11');
    const again = mock.nextConnection();
    mock.dropAll();
    await probe.untilMessage((m) => m.kind === 'disconnect');
    const conn = await again;
    // The new connection gets the last trade again as its SNAPSHOT.
    await mock.nextMessage(() => true, conn);
    const rest = mock.waitFor((e) => e.type === 'rest' && e.url);
    mock.trade('KRW-BTC', trade(12, T0 + 2 * MINUTE + 5_000));
    await probe.untilTrade('12');
    expect(probe.trades().map((t) => t.tradeId)).toEqual(['11', '12']);
    expect(source.stats.duplicates).toBe(1);
    const url = await rest;
    expect(url.pathname).toBe('/v1/candles/minutes/1');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      market: 'KRW-BTC',
      to: '2024-03-15T10:02:00Z',
      count: '2',
    });
    await probe.untilMessage((m) => m.kind === 'candle' && m.candle.openTime === T0 + MINUTE);
    const candles = probe.messages.items.flatMap((m) => (m.kind === 'candle' ? [m.candle] : []));
    expect(candles.map((c) => [c.symbol, c.openTime, c.close, c.volume, c.quoteVolume])).toEqual([
      ['BTC-KRW', T0, 2, 4, 8],
      ['BTC-KRW', T0 + MINUTE, 1.5, 2, 3],
    ]);
  });

  it('errors - a venue error frame is counted, malformed frames are skipped, the feed goes on', async () => {
    const { mock, source, probe } = await setup();
    mock.sendRaw(JSON.stringify({ error: { name: 'INVALID_PARAM', message: 'bad codes' } }));
    mock.sendRaw('{"type":"trade","code":"KRW-BTC"');
    mock.sendRaw(JSON.stringify({ type: 'trade', code: 'KRW-BTC', trade_price: 1 }));
    mock.trade('KRW-BTC', trade(5, T0));
    await probe.untilTrade('5');
    expect(source.stats).toMatchObject({ venueErrors: 1, malformed: 2, disconnects: 0 });
  });

  it('limits - a frame past maxFrameBytes closes the socket (1009) unread; deep nesting is skipped unparsed', async () => {
    const { mock, source, probe } = await setup({ maxFrameBytes: 4096 });
    const nested = Buffer.from(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    mock.sendRaw(nested.subarray(0, 4000)); // under the size limit, but 4000 levels deep
    const again = mock.nextConnection();
    mock.sendRaw(Buffer.from(JSON.stringify({ type: 'trade', pad: 'x'.repeat(8192) })));
    const conn = await again;
    expect(mock.connections[0]?.closed?.code).toBe(1009);
    await mock.nextMessage((t) => t.startsWith('['), conn);
    mock.trade('KRW-BTC', trade(7, T0));
    await probe.untilTrade('7');
    expect(source.stats).toMatchObject({ malformed: 1, disconnects: 1 });
  });

  it('watchdog - an idle-closed or silent connection reconnects and resubscribes', async () => {
    const { mock, probe } = await setup({ silenceMs: 150, keepaliveMs: 10_000 });
    const again = mock.nextConnection();
    mock.silence(true);
    await probe.untilState('stale');
    mock.silence(false);
    const conn = await again;
    const request = await mock.nextMessage((t) => t.startsWith('['), conn);
    expect(JSON.parse(request.text)).toContainEqual(expect.objectContaining({ codes: ['KRW-BTC'] }));
  });

  it('breaker - refused upgrades (HTTP 429) open the circuit; it closes after the cool-down', async () => {
    const { mock, source, probe } = await setup();
    mock.refuseNext(3, 429);
    mock.dropAll();
    const failed = await probe.untilState('failed');
    await probe.untilState('live', probe.statuses.items.indexOf(failed));
    expect(source.stats).toMatchObject({ failedConnects: 3, rateLimited: 3 });
  });

  it('recorded - the recorded session (DEFAULT and SIMPLE keys, binary frames) replays into its trades', async () => {
    const { mock, source, probe } = await setup();
    await mock.replay(readRecording(RECORDINGS.upbit), 'max');
    await probe.untilTrade('17104968102100000');
    expect(probe.trades().map((t) => [t.tradeId, t.price, t.side])).toEqual([
      ['17104968000100000', 98_500_000, 'buy'],
      ['17104968001100000', 98_501_000, 'sell'],
      ['17104968102100000', 98_499_000, 'buy'],
    ]);
    expect(source.stats.malformed).toBe(0);
  });
});
