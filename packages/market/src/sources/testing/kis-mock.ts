/**
 * @module A loopback KIS Open API server: `POST /oauth2/Approval` issues an approval key for the
 * right app key and secret (403 otherwise); the stream at `/tryitout/H0STCNT0` takes one JSON
 * register (`tr_type` "1") or release ("2") message per symbol, answers each with
 * `{"header":…,"body":{"rt_cd","msg_cd","msg1"}}` (`OPSP0000 SUBSCRIBE SUCCESS`, an unknown
 * approval key `OPSP0011`), sends `{"header":{"tr_id":"PINGPONG"}}` on request, and trades as
 * `0|H0STCNT0|001|…` with the 46 `^`-joined fields of an H0STCNT0 record. REST: `POST
 * /oauth2/tokenP` issues a bearer token for the right key and secret; the daily chart
 * (`…/inquire-daily-itemchartprice`, tr_id FHKST03010100) answers `dailyBars` in the date range,
 * 100 rows at most, newest first, behind the token, `appkey`/`appsecret` and `tr_id` headers
 * (`EGW00123` for an unknown token, as KIS answers an expired one).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { MockVenueServer, type MockConnection, type MockRestAnswer } from './mock-venue.ts';

/** Options for {@link KisMock}. */
export interface KisMockOptions {
  /** @default 'mock-app-key' */
  appKey?: string;
  /** @default 'mock-app-secret' */
  appSecret?: string;
}

/** A trade as tests give it; the other H0STCNT0 fields are filled in. */
export interface KisMockTrade {
  /** Business date YYYYMMDD. */
  date: string;
  /** KST time HHMMSS. */
  time: string;
  price: string;
  volume: string;
  /** Cumulative volume after this trade. */
  cumulativeVolume: string;
  /** 1 buy, 5 sell. */
  side: '1' | '5';
}

/** A daily bar as the daily chart's `output2` rows carry it (strings, as KIS sends them). */
export interface KisMockDailyBar {
  /** Business date YYYYMMDD. */
  stck_bsop_date: string;
  stck_oprc: string;
  stck_hgpr: string;
  stck_lwpr: string;
  stck_clpr: string;
  acml_vol: string;
  acml_tr_pbmn: string;
}

const DAILY_CHART = '/uapi/domestic-stock/v1/quotations/inquire-daily-itemchartprice';

/** The KIS mock. */
export class KisMock extends MockVenueServer {
  readonly #o: Required<KisMockOptions>;
  readonly #codes = new Map<MockConnection, Set<string>>();
  readonly approvalKey = 'mock-approval-0001';
  /** Approval requests answered. */
  approvals = 0;
  readonly accessToken = 'mock-access-token-0001';
  /** Tokens issued by `POST /oauth2/tokenP`. */
  tokens = 0;
  /** Daily bars per six-digit code, any order. */
  readonly dailyBars = new Map<string, KisMockDailyBar[]>();

  constructor(options: KisMockOptions = {}) {
    super();
    this.#o = { appKey: options.appKey ?? 'mock-app-key', appSecret: options.appSecret ?? 'mock-app-secret' };
  }

  /** Codes a connection registered. */
  codesOf(conn: MockConnection): string[] {
    return [...(this.#codes.get(conn) ?? [])];
  }

  /** Sends trades (one frame, several records) to the subscribers of `code`. */
  trade(code: string, ...trades: KisMockTrade[]): void {
    const data = trades.map((t) => record(code, t).join('^')).join('^');
    for (const c of this.open())
      if (this.#codes.get(c)?.has(code))
        this.sendTo(c, `0|H0STCNT0|${String(trades.length).padStart(3, '0')}|${data}`);
  }

  /** Sends the server's PINGPONG to every open connection. */
  pingpong(): void {
    for (const c of this.open())
      this.sendTo(c, { header: { tr_id: 'PINGPONG', datetime: '20261120100000' } });
  }

  protected override onOpen(conn: MockConnection): void {
    if (conn.url.pathname !== '/tryitout/H0STCNT0') {
      conn.ws.close(1008, 'unknown path');
      return;
    }
    this.#codes.set(conn, new Set());
  }

  protected override onText(conn: MockConnection, text: string): void {
    const codes = this.#codes.get(conn);
    if (!codes) return;
    let m: { header?: Record<string, unknown>; body?: { input?: { tr_id?: string; tr_key?: string } } };
    try {
      m = JSON.parse(text) as typeof m;
    } catch {
      return this.#answer(conn, '', '', '1', 'OPSP9999', 'JSON PARSING ERROR');
    }
    const trId = m.body?.input?.tr_id ?? '';
    const code = m.body?.input?.tr_key ?? '';
    if (m.header?.approval_key !== this.approvalKey)
      return this.#answer(conn, trId, code, '1', 'OPSP0011', 'invalid approval : NOT FOUND');
    if (trId !== 'H0STCNT0' || !/^\d{6}$/.test(code))
      return this.#answer(conn, trId, code, '1', 'OPSP0007', 'INVALID TR_ID OR TR_KEY');
    if (m.header?.tr_type === '2') {
      codes.delete(code);
      return this.#answer(conn, trId, code, '0', 'OPSP0001', 'UNSUBSCRIBE SUCCESS');
    }
    if (codes.has(code)) return this.#answer(conn, trId, code, '1', 'OPSP0002', 'ALREADY IN SUBSCRIBE');
    codes.add(code);
    this.#answer(conn, trId, code, '0', 'OPSP0000', 'SUBSCRIBE SUCCESS');
  }

  protected override onRest(url: URL, headers: IncomingHttpHeaders = {}, body = ''): MockRestAnswer {
    if (url.pathname === '/oauth2/tokenP') return this.#token(body);
    if (url.pathname === DAILY_CHART) return this.#dailyChart(url.searchParams, headers);
    if (url.pathname !== '/oauth2/Approval') return super.onRest(url, headers, body);
    this.approvals++;
    const b = parseApproval(body);
    if (
      b?.grant_type !== 'client_credentials' ||
      b.appkey !== this.#o.appKey ||
      b.secretkey !== this.#o.appSecret
    )
      return {
        status: 403,
        body: { error_description: '유효하지 않은 AppKey입니다.', error_code: 'EGW00103' },
      };
    return { status: 200, body: { approval_key: this.approvalKey } };
  }

  #token(body: string): MockRestAnswer {
    const b = parseApproval(body);
    if (
      b?.grant_type !== 'client_credentials' ||
      b.appkey !== this.#o.appKey ||
      b.appsecret !== this.#o.appSecret
    )
      return {
        status: 403,
        body: { error_description: '유효하지 않은 AppKey입니다.', error_code: 'EGW00103' },
      };
    this.tokens++;
    return {
      status: 200,
      body: {
        access_token: this.accessToken,
        token_type: 'Bearer',
        expires_in: 86_400,
        access_token_token_expired: '',
      },
    };
  }

  #dailyChart(q: URLSearchParams, headers: IncomingHttpHeaders): MockRestAnswer {
    const refuse = (msgCd: string, msg1: string, status = 500): MockRestAnswer => ({
      status,
      body: { rt_cd: '1', msg_cd: msgCd, msg1 },
    });
    if (headers.authorization !== `Bearer ${this.accessToken}`)
      return refuse('EGW00123', '기간이 만료된 token 입니다.');
    if (headers.appkey !== this.#o.appKey || headers.appsecret !== this.#o.appSecret)
      return refuse('EGW00103', '유효하지 않은 AppKey입니다.');
    if (headers.tr_id !== 'FHKST03010100') return refuse('EGW00205', 'tr_id가 올바르지 않습니다.');
    const [from, to] = [q.get('FID_INPUT_DATE_1') ?? '', q.get('FID_INPUT_DATE_2') ?? ''];
    if (
      q.get('FID_COND_MRKT_DIV_CODE') !== 'J' ||
      !/^\d{8}$/.test(from) ||
      !/^\d{8}$/.test(to) ||
      q.get('FID_PERIOD_DIV_CODE') !== 'D'
    )
      return {
        status: 200,
        body: { rt_cd: '1', msg_cd: 'OPSQ2001', msg1: 'ERROR : INPUT INVALID_CHECK_ACNO' },
      };
    const rows = (this.dailyBars.get(q.get('FID_INPUT_ISCD') ?? '') ?? [])
      .filter((b) => b.stck_bsop_date >= from && b.stck_bsop_date <= to)
      .sort((a, b) => b.stck_bsop_date.localeCompare(a.stck_bsop_date))
      .slice(0, 100);
    return {
      status: 200,
      body: {
        output1: { stck_shrn_iscd: q.get('FID_INPUT_ISCD') },
        output2: rows,
        rt_cd: '0',
        msg_cd: 'MCA00000',
        msg1: '정상처리 되었습니다.',
      },
    };
  }

  #answer(conn: MockConnection, trId: string, code: string, rtCd: string, msgCd: string, msg1: string): void {
    this.sendTo(conn, {
      header: { tr_id: trId, tr_key: code, encrypt: 'N' },
      body: {
        rt_cd: rtCd,
        msg_cd: msgCd,
        msg1,
        ...(rtCd === '0' ? { output: { iv: '0123456789abcdef', key: 'k'.repeat(32) } } : {}),
      },
    });
  }
}

/** A credentials body (approval: `secretkey`; token: `appsecret`), or null when it is not JSON. */
interface CredentialsBody {
  grant_type?: unknown;
  appkey?: unknown;
  secretkey?: unknown;
  appsecret?: unknown;
}

/** An approval or token request body, or null when it is not JSON (refused like a wrong key). */
function parseApproval(body: string): CredentialsBody | null {
  try {
    return JSON.parse(body) as CredentialsBody | null;
  } catch {
    return null;
  }
}

/** The 46 fields of an H0STCNT0 record, the tested ones from `t`. */
function record(code: string, t: KisMockTrade): string[] {
  const f = Array.from({ length: 46 }, () => '0');
  f[0] = code;
  f[1] = t.time;
  f[2] = t.price;
  f[12] = t.volume;
  f[13] = t.cumulativeVolume;
  f[21] = t.side;
  f[33] = t.date;
  f[34] = '20'; // 신장운영구분코드
  f[35] = 'N'; // 거래정지여부
  return f;
}
