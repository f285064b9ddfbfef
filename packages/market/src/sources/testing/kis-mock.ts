/**
 * @module A loopback KIS Open API server: `POST /oauth2/Approval` issues an approval key for the
 * right app key and secret (403 otherwise); the stream at `/tryitout/H0STCNT0` takes one JSON
 * register (`tr_type` "1") or release ("2") message per symbol, answers each with
 * `{"header":…,"body":{"rt_cd","msg_cd","msg1"}}` (`OPSP0000 SUBSCRIBE SUCCESS`, an unknown
 * approval key `OPSP0011`), sends `{"header":{"tr_id":"PINGPONG"}}` on request, and trades as
 * `0|H0STCNT0|001|…` with the 46 `^`-joined fields of an H0STCNT0 record.
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

/** The KIS mock. */
export class KisMock extends MockVenueServer {
  readonly #o: Required<KisMockOptions>;
  readonly #codes = new Map<MockConnection, Set<string>>();
  readonly approvalKey = 'mock-approval-0001';
  /** Approval requests answered. */
  approvals = 0;

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

/** An approval request body, or null when it is not JSON (refused like a wrong key). */
function parseApproval(body: string): { grant_type?: unknown; appkey?: unknown; secretkey?: unknown } | null {
  try {
    return JSON.parse(body) as { grant_type?: unknown; appkey?: unknown; secretkey?: unknown } | null;
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
