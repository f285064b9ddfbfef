import { silentLogger } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { validateTrade } from '../../normalize/validate-trade.ts';
import type { NetworkSourceOptions } from '../network/options.ts';
import { FAST_RESILIENCE, testServiceContext, type MockedSource } from '../testing/harness.ts';
import { KisMock, type KisMockTrade } from '../testing/kis-mock.ts';
import { mockedSourceFixture } from '../testing/mocked-source-fixture.ts';
import { createKisSource } from './source.ts';

const KEYS = { appKey: 'mock-app-key', appSecret: 'mock-app-secret' };
/** 2026-11-20 10:15:30 KST. */
const T = Date.UTC(2026, 10, 20, 1, 15, 30);

const sources = mockedSourceFixture();

async function setup(options: NetworkSourceOptions = {}): Promise<MockedSource<KisMock>> {
  return sources.start(new KisMock(), (o) => createKisSource({ ...KEYS, ...o }), options, {
    symbols: ['005930.KS'],
  });
}

const trade = (n: number, fields: Partial<KisMockTrade> = {}): KisMockTrade => ({
  date: '20261120',
  time: '101530',
  price: '55300',
  volume: '10',
  cumulativeVolume: String(1_000 + n),
  side: '1',
  ...fields,
});

describe('kis source against a loopback mock', () => {
  it('approval - the key is fetched once, then one register message per six-digit code', async () => {
    const { mock } = await setup();
    const conn = mock.connections[0]!;
    expect(conn.url.pathname).toBe('/tryitout/H0STCNT0');
    expect(mock.approvals).toBe(1);
    expect(JSON.parse(conn.received[0]!)).toEqual({
      header: { approval_key: mock.approvalKey, custtype: 'P', tr_type: '1', 'content-type': 'utf-8' },
      body: { input: { tr_id: 'H0STCNT0', tr_key: '005930' } },
    });
    await mock.waitFor((e) => e.type === 'sent' && e.text.includes('SUBSCRIBE SUCCESS') && e);
    expect(mock.codesOf(conn)).toEqual(['005930']);
  });

  it('normalize - ^-joined records become 005930.KS trades in KST; a bad price is kept for quarantine', async () => {
    const { mock, source, probe } = await setup();
    await mock.waitFor((e) => e.type === 'sent' && e.text.includes('SUBSCRIBE SUCCESS') && e);
    mock.pingpong();
    mock.trade('005930', trade(1), trade(2, { side: '5', time: '101531' }));
    mock.trade('005930', trade(3, { price: 'x' }));
    await probe.untilTrade('20261120-1003');
    const [first, second, bad] = probe.trades();
    expect(first).toMatchObject({
      exchange: 'kis',
      symbol: '005930.KS',
      tradeId: '20261120-1001',
      price: 55_300,
      size: 10,
      side: 'buy',
      exchangeTime: T,
    });
    expect(second).toMatchObject({ side: 'sell', exchangeTime: T + 1_000 });
    expect(validateTrade({ ...bad!, receivedAt: T }, { knownSymbols: new Set(['005930.KS']) })).toEqual({
      ok: false,
      reason: 'price_not_finite',
    });
    expect(source.stats).toMatchObject({ malformed: 0, venueErrors: 0 });
  });

  it('errors - a truncated record frame is skipped, a refused register is a venue error', async () => {
    const { mock, source, probe } = await setup();
    await mock.waitFor((e) => e.type === 'sent' && e.text.includes('SUBSCRIBE SUCCESS') && e);
    mock.sendRaw('0|H0STCNT0|002|005930^101530^55300');
    mock.sendRaw(
      JSON.stringify({
        header: { tr_id: 'H0STCNT0', tr_key: '000660', encrypt: 'N' },
        body: { rt_cd: '1', msg_cd: 'OPSP0002', msg1: 'ALREADY IN SUBSCRIBE' },
      }),
    );
    mock.trade('005930', trade(9));
    await probe.untilTrade('20261120-1009');
    expect(source.stats).toMatchObject({ malformed: 1, venueErrors: 1 });
  });

  it('a refused approval fails start with the venue words and opens no stream', async () => {
    const mock = await new KisMock().listen();
    const source = createKisSource({
      ...FAST_RESILIENCE,
      url: mock.wsUrl,
      restUrl: mock.restUrl,
      appKey: 'wrong',
      appSecret: 'x',
      logger: silentLogger,
    });
    sources.afterTest(async () => {
      await source.stop();
      await mock.close();
    });
    await source.subscribe(['005930.KS'], ['trade']);
    await expect(source.start(testServiceContext)).rejects.toThrow(
      /KIS approval refused \(403\): 유효하지 않은 AppKey/,
    );
    expect(mock.connections).toHaveLength(0);
  });
});
