/**
 * @module Korea Investment & Securities Open API (apiportal.koreainvestment.com): endpoints,
 * credentials and limits. The real-time stream is `ws://ops.koreainvestment.com:21000` (31000 for
 * the mock-trading server), keyed by an approval key from `POST /oauth2/Approval`; REST is
 * `https://openapi.koreainvestment.com:9443` with a bearer token from `POST /oauth2/tokenP` and the
 * `appkey` / `appsecret` headers.
 */
import type { DialectDefaults } from '../network/dialect.ts';
import type { NetworkSourceOptions } from '../network/options.ts';

export const KIS_WS_URL = 'ws://ops.koreainvestment.com:21000';
export const KIS_REST_URL = 'https://openapi.koreainvestment.com:9443';
/** REST: the access token (24 h; KIS issues at most one a minute per app key). */
export const KIS_TOKEN_PATH = '/oauth2/tokenP';
/** REST: daily, weekly, monthly or yearly bars over a date range ("국내주식기간별시세"). */
export const KIS_DAILY_CHART_PATH = '/uapi/domestic-stock/v1/quotations/inquire-daily-itemchartprice';
/** The transaction id KIS requires in the `tr_id` header of each REST path. */
export const KIS_TR_IDS: Readonly<Record<string, string>> = Object.freeze({
  [KIS_DAILY_CHART_PATH]: 'FHKST03010100',
});
/** Rows per answer of the daily chart (the documented maximum), newest first. */
export const KIS_DAILY_ROWS = 100;
/** The real-time KRX trade ("주식체결") transaction id. */
export const KIS_TRADE_TR_ID = 'H0STCNT0';
/** Fields of one H0STCNT0 record (KIS's published column list). */
export const KIS_TRADE_FIELDS = 46;

export const KIS_DEFAULTS: DialectDefaults = Object.freeze({
  // The server sends a PINGPONG message about every 10 s (more often while trading).
  silenceMs: 60_000,
  // Subscriptions are registered one message per symbol; KIS allows 41 per session in all.
  outbound: Object.freeze([{ limit: 5, windowMs: 1_000 }]),
  connects: Object.freeze([{ limit: 1, windowMs: 1_000 }]),
});

/** Options for {@link createKisSource}. */
export interface KisSourceOptions extends NetworkSourceOptions {
  /** The app key issued with the account. */
  appKey: string;
  /** The app secret issued with the account. */
  appSecret: string;
  /** `P` for a person, `B` for a corporation. @default 'P' */
  custType?: 'P' | 'B';
}
