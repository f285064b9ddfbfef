/**
 * History of shares from the equities providers' REST APIs, against their loopback mocks over a
 * real socket (issue 49): Alpaca's minute bars behind its key headers, cut by the NYSE sessions
 * when stored; KIS's daily chart behind a bearer token, paged 100 sessions at a time backwards,
 * each bar spanning its KRX session. A range with no session makes no call.
 */
import { createPgliteSql, loadMigrationSets, migrate, MIGRATIONS_DIR, type Sql } from '@tickline/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zonedTimeToUtc } from '../calendars/zoned-time.ts';
import { MARKET_MIGRATIONS_DIR, MarketSchema } from '../config.ts';
import { AlpacaMock, type AlpacaMockBar } from '../sources/testing/alpaca-mock.ts';
import { KisMock, type KisMockDailyBar } from '../sources/testing/kis-mock.ts';
import { storeVenueDay } from './coverage.ts';
import { createVenueGetJson } from './venue-get.ts';
import { historyVenueAccounts, venueAccess } from './venue-accounts.ts';
import { fetchVenueBars, venueRefusal, venueRestUrl, type HistoryVenue } from './venues.ts';

const MINUTE = 60_000;
const DAY = 86_400_000;
/** Monday 2025-06-02: 09:30-16:00 in New York is 13:30-20:00 UTC. */
const MONDAY = Date.UTC(2025, 5, 2);
const NY_OPEN = zonedTimeToUtc('2025-06-02', '09:30', 'America/New_York');
const seoul = (date: string, time: string) => zonedTimeToUtc(date, time, 'Asia/Seoul');

/** Minute bars from 08:00 to 17:59 New York time (pre- and after-market included, as Alpaca sends). */
const alpacaDay = (): AlpacaMockBar[] =>
  Array.from({ length: 600 }, (_, i) => {
    const t = NY_OPEN - 90 * MINUTE + i * MINUTE;
    return {
      t: new Date(t).toISOString(),
      o: 200 + i,
      h: 201 + i,
      l: 199 + i,
      c: 200.5 + i,
      v: 10,
      n: 3,
      vw: 200 + i,
    };
  });

/** KRX sessions from 2025-01-02 to 2025-06-30 (weekdays; the calendar's holidays left out). */
function kisDays(): KisMockDailyBar[] {
  const out: KisMockDailyBar[] = [];
  for (let t = Date.UTC(2025, 0, 2); t <= Date.UTC(2025, 5, 30); t += DAY) {
    const weekday = new Date(t).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    const p = 50_000 + out.length * 100;
    out.push({
      stck_bsop_date: new Date(t).toISOString().slice(0, 10).replaceAll('-', ''),
      stck_oprc: String(p),
      stck_hgpr: String(p + 500),
      stck_lwpr: String(p - 500),
      stck_clpr: String(p + 100),
      acml_vol: '1000',
      acml_tr_pbmn: String(1000 * p),
    });
  }
  return out;
}

describe('history of shares from the equities venues', () => {
  const alpaca = new AlpacaMock();
  const kis = new KisMock();
  let sql: Sql;
  let accounts: ReturnType<typeof historyVenueAccounts>;
  beforeAll(async () => {
    await Promise.all([alpaca.listen(), kis.listen()]);
    alpaca.bars.set('AAPL', alpacaDay());
    kis.dailyBars.set('005930', kisDays());
    accounts = historyVenueAccounts(
      MarketSchema.parse({
        sources: [
          {
            kind: 'alpaca',
            symbols: ['AAPL.US'],
            keyId: 'mock-key',
            secretKey: 'mock-secret',
            restUrl: alpaca.restUrl,
          },
          {
            kind: 'kis',
            symbols: ['005930.KS'],
            appKey: 'mock-app-key',
            appSecret: 'mock-app-secret',
            restUrl: kis.restUrl,
          },
        ],
      }).sources,
    );
    sql = await createPgliteSql({ memory: true });
    await migrate(sql, { migrations: await loadMigrationSets([MIGRATIONS_DIR, MARKET_MIGRATIONS_DIR]) });
  }, 60_000);
  afterAll(async () => {
    await Promise.all([alpaca.close(), kis.close(), sql?.close()]);
  });

  const bars = (venue: HistoryVenue, symbol: string, fromOpen: number, toOpen: number) => {
    const access = venueAccess(venue, accounts, { fallbackUrl: venueRestUrl(venue) });
    const get = createVenueGetJson({ fetch: access.fetch });
    return fetchVenueBars(venue, { symbol, fromOpen, toOpen }, access.restUrl, get, access.options);
  };

  it("alpaca - a day's minutes with the key headers, stored as session bars (no pre- or after-market)", async () => {
    const minutes = await bars('alpaca', 'AAPL.US', MONDAY, MONDAY + DAY);
    expect(minutes).toHaveLength(600);
    expect(minutes[0]).toMatchObject({ exchange: 'alpaca', symbol: 'AAPL.US', interval: '1m' });
    const stored = await sql.transaction((tx) =>
      storeVenueDay(
        tx,
        { exchange: 'alpaca', symbol: 'AAPL.US', dayStart: MONDAY, bars: minutes },
        Date.now(),
        new Date(),
      ),
    );
    // 390 session minutes; 1h bars 09:30-10:00, then six whole hours; one daily bar, the session.
    expect(Object.fromEntries(stored)).toMatchObject({ '1m': 390, '1h': 7, '1d': 1 });
    const { rows } = await sql.query<{ open_time: string; close_time: string; open: number; close: number }>(
      `select open_time, close_time, open, close from market_candle_history where symbol = 'AAPL.US' and interval = '1d'`,
    );
    expect(
      rows.map((r) => [Number(r.open_time), Number(r.close_time), Number(r.open), Number(r.close)]),
    ).toEqual([[NY_OPEN, NY_OPEN + 390 * MINUTE, 290, 679.5]]);
    // Saturday: the exchange has no session, so the venue is not asked.
    const asked = alpaca.restRequests.length;
    expect(await bars('alpaca', 'AAPL.US', MONDAY + 5 * DAY, MONDAY + 6 * DAY)).toEqual([]);
    expect(alpaca.restRequests.length).toBe(asked);
  });

  it('kis - daily bars with a bearer token, two pages backwards, each bar its KRX session', async () => {
    const daily = await bars('kis', '005930.KS', Date.UTC(2025, 0, 1), Date.UTC(2025, 6, 1));
    const served = kisDays().filter((d) => d.stck_bsop_date !== '20250101');
    expect(daily).toHaveLength(served.length);
    expect(daily.length).toBeGreaterThan(100);
    // 2025-01-02, the first trading day, opens an hour late.
    expect(daily[0]).toMatchObject({
      exchange: 'kis',
      interval: '1d',
      openTime: seoul('2025-01-02', '10:00'),
      closeTime: seoul('2025-01-02', '15:30'),
      open: 50_000,
      close: 50_100,
    });
    expect(daily.at(-1)).toMatchObject({
      openTime: seoul('2025-06-30', '09:00'),
      closeTime: seoul('2025-06-30', '15:30'),
    });
    const pages = kis.restRequests.filter((u) => u.pathname.endsWith('inquire-daily-itemchartprice'));
    expect(
      pages.map((u) => [u.searchParams.get('FID_INPUT_DATE_1'), u.searchParams.get('FID_INPUT_DATE_2')]),
    ).toEqual([
      // The window's last KST date; then the day before the 100th row back (2025-02-11).
      ['20250101', '20250701'],
      ['20250101', '20250210'],
    ]);
    expect(pages[0]!.searchParams.get('FID_ORG_ADJ_PRC')).toBe('1');
    expect(kis.tokens).toBe(1);
  });

  it('kis - a per-second limit answer (EGW00201, HTTP 500) is waited out and the page asked again', async () => {
    const access = venueAccess('kis', accounts, { fallbackUrl: venueRestUrl('kis') });
    const waits: number[] = [];
    const get = createVenueGetJson({ fetch: access.fetch, sleep: async (ms) => void waits.push(ms) });
    const march = { symbol: '005930.KS', fromOpen: Date.UTC(2025, 2, 1), toOpen: Date.UTC(2025, 3, 1) };
    const first = await fetchVenueBars('kis', march, access.restUrl, get);
    kis.failRest(1, {
      status: 500,
      body: { rt_cd: '1', msg_cd: 'EGW00201', msg1: '초당 거래건수를 초과하였습니다.' },
    });
    expect(await fetchVenueBars('kis', march, access.restUrl, get)).toEqual(first);
    expect(waits).toEqual([500]);
  });

  it('venues - each serves its own symbols; a share venue without an account is refused', () => {
    expect(venueRefusal('alpaca', '005930.KS', '1d')).toMatch(/alpaca serves US shares/);
    expect(venueRefusal('binance', 'AAPL.US', '1h')).toMatch(/downloads from alpaca/);
    expect(venueRefusal('kis', '005930.KS', '1h')).toMatch(/daily bars only/);
    expect(venueRefusal('kis', '005930.KS', '1d')).toBeNull();
    expect(() => venueAccess('kis', {}, { fallbackUrl: 'http://kis' })).toThrow(
      expect.objectContaining({ code: 'MARKET_VENUE_NO_ACCOUNT' }),
    );
  });
});
