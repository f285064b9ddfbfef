/**
 * @module KIS daily bars over REST: `GET /uapi/domestic-stock/v1/quotations/inquire-daily-itemchartprice`
 * (tr_id FHKST03010100) with `FID_INPUT_DATE_1`..`FID_INPUT_DATE_2` (KST dates, both inclusive),
 * `FID_PERIOD_DIV_CODE=D` and `FID_ORG_ADJ_PRC=1` (prices as traded: adjusting is the corporate
 * actions' job), up to 100 rows an answer, newest first; the next page ends the day before the
 * oldest row. KIS serves minute bars of the current day only, so daily bars are its history. Each
 * bar spans its KRX session (the calendar's open and close of that date).
 */
import type { Candle } from '../../port/market-message.ts';
import { parseDecimal } from '../../normalize/parse-number.ts';
import { toVenueSymbol } from '../../normalize/symbols.ts';
import { exchangeCalendar } from '../../calendars/registry.ts';
import { zonedTimeToUtc, localParts } from '../../calendars/zoned-time.ts';
import type { HttpGetJson } from '../network/dialect.ts';
import { MalformedFrameError, requireObject } from '../network/frame-fields.ts';
import { venueCandle } from '../network/venue-candle.ts';
import { KIS_DAILY_CHART_PATH, KIS_DAILY_ROWS } from './config.ts';

/** Pages followed per request at most (100 sessions each: about 40 years). */
const MAX_PAGES = 100;

/** A daily window: the bars whose session opens in `[fromOpen, toOpen)`. */
export interface KisDailyRequest {
  readonly symbol: string;
  readonly fromOpen: number;
  readonly toOpen: number;
}

const kstDate = (ms: number) => localParts(ms, 'Asia/Seoul').date.replaceAll('-', '');
const dashed = (yyyymmdd: string) =>
  `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`;

/** The day before `yyyymmdd`, as YYYYMMDD. */
function dayBefore(yyyymmdd: string): string {
  const ms = Date.UTC(
    Number(yyyymmdd.slice(0, 4)),
    Number(yyyymmdd.slice(4, 6)) - 1,
    Number(yyyymmdd.slice(6, 8)),
  );
  return new Date(ms - 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
}

/** One `output2` row → a 1d candle of `symbol` spanning that date's session. */
export function decodeKisDailyBar(row: unknown, symbol: string): Candle {
  const r = requireObject(row, 'daily bar');
  const date = r.stck_bsop_date;
  if (typeof date !== 'string' || !/^\d{8}$/.test(date))
    throw new MalformedFrameError('stck_bsop_date missing');
  const calendar = exchangeCalendar('KS');
  // A bar on a date the calendar calls closed keeps the regular hours: the venue traded that day.
  const session = calendar.sessionOn(dashed(date));
  const openTime = session?.openMs ?? zonedTimeToUtc(dashed(date), calendar.regular.open, calendar.timeZone);
  const closeTime =
    session?.closeMs ?? zonedTimeToUtc(dashed(date), calendar.regular.close, calendar.timeZone);
  const candle = venueCandle({
    exchange: 'kis',
    symbol,
    interval: '1d',
    openTime,
    open: r.stck_oprc,
    high: r.stck_hgpr,
    low: r.stck_lwpr,
    close: r.stck_clpr,
    volume: r.acml_vol,
    quoteVolume: parseDecimal(r.acml_tr_pbmn),
    // The daily chart does not count trades.
    trades: 0,
  });
  // A session, not 24 h: 09:00-15:30 KST (other hours on the calendar's special days).
  return { ...candle, closeTime };
}

/** Daily bars of a KRX share (`005930.KS`) whose session opens in the window, oldest first. */
export async function kisDailyBars(
  request: KisDailyRequest,
  restUrl: string,
  get: HttpGetJson,
): Promise<Candle[]> {
  const first = kstDate(request.fromOpen);
  let last = kstDate(request.toOpen - 1);
  const query = new URLSearchParams({
    FID_COND_MRKT_DIV_CODE: 'J',
    FID_INPUT_ISCD: toVenueSymbol('kis', request.symbol),
    FID_INPUT_DATE_1: first,
    FID_INPUT_DATE_2: last,
    FID_PERIOD_DIV_CODE: 'D',
    FID_ORG_ADJ_PRC: '1',
  });
  const out: Candle[] = [];
  for (let page = 0; page < MAX_PAGES; page++) {
    query.set('FID_INPUT_DATE_2', last);
    const answer = requireObject(
      await get(`${restUrl.replace(/\/+$/, '')}${KIS_DAILY_CHART_PATH}?${query}`),
      'daily chart',
    );
    if (answer.rt_cd !== '0')
      throw new MalformedFrameError(`KIS ${String(answer.msg_cd)}: ${String(answer.msg1)}`);
    const rows = answer.output2 ?? [];
    if (!Array.isArray(rows)) throw new MalformedFrameError('output2 is not an array');
    // An empty row stands for "no bar" in KIS answers past the listing date.
    const bars = rows
      .filter((r) => (r as { stck_bsop_date?: unknown })?.stck_bsop_date)
      .map((r) => decodeKisDailyBar(r, request.symbol));
    for (const bar of bars)
      if (bar.openTime >= request.fromOpen && bar.openTime < request.toOpen) out.push(bar);
    const oldest = bars.reduce<string | null>((min, b) => {
      const d = kstDate(b.openTime);
      return min === null || d < min ? d : min;
    }, null);
    if (bars.length < KIS_DAILY_ROWS || oldest === null || oldest <= first)
      return out.sort((a, b) => a.openTime - b.openTime);
    last = dayBefore(oldest);
  }
  throw new MalformedFrameError(`more than ${MAX_PAGES} pages of daily bars for one window`);
}
