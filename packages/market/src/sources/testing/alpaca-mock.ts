/**
 * @module A loopback Alpaca market-data server. The stream (`/v2/iex`, `/v2/sip`) greets with
 * `[{"T":"success","msg":"connected"}]`, wants `{"action":"auth","key","secret"}` within the auth
 * timeout (`402 auth failed` and a close on a wrong key, `401 not authenticated` for a subscribe
 * before it, `404 auth timeout`), answers `subscribe` / `unsubscribe` with the whole
 * `subscription`, and sends arrays of trades (`T:t`), bars (`T:b`) and updated bars (`T:u`). REST serves
 * `GET /v2/stocks/{symbol}/bars` and `GET /v1/corporate-actions` behind the key headers (401 without them), paged by
 * `next_page_token`, with `X-RateLimit-Limit/Remaining/Reset` and a 429 once the window is spent.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { MockVenueServer, type MockConnection, type MockRestAnswer } from './mock-venue.ts';

/** Options for {@link AlpacaMock}. */
export interface AlpacaMockOptions {
  /** @default 'mock-key' */
  keyId?: string;
  /** @default 'mock-secret' */
  secretKey?: string;
  /** Close unauthenticated connections after this long. @default 10_000 (Alpaca's) */
  authTimeoutMs?: number;
  /** Requests per rate window. @default 200 (the free plan's per minute) */
  rateLimit?: number;
  /** Rate window length. @default 60_000 */
  rateWindowMs?: number;
}

/** A trade as tests give it; values are sent as given (so tests can send bad ones). */
export interface AlpacaMockTrade {
  /** Trade id, unique per reporting exchange. */
  i: number;
  /** Reporting exchange code. @default 'V' (IEX) */
  x?: string;
  p: unknown;
  s: unknown;
  /** RFC 3339 time. */
  t: string;
  /** Conditions. @default ['@'] */
  c?: string[];
}

/** A minute bar as Alpaca sends it (REST rows omit `T` and `S`). */
export interface AlpacaMockBar {
  t: string;
  o: number;
  h: number;
  l: number;
  c: number;
  v: number;
  n: number;
  vw: number;
}

interface AlpacaConn {
  authenticated: boolean;
  trades: Set<string>;
  bars: Set<string>;
  updatedBars: Set<string>;
  timer: NodeJS.Timeout | null;
}

/** The Alpaca mock. */
/** A corporate action as Alpaca lists it, with the type it is grouped under. */
export type AlpacaMockCorporateAction =
  | {
      type: 'forward_split' | 'reverse_split';
      symbol: string;
      new_rate: number;
      old_rate: number;
      ex_date: string;
      process_date: string;
      record_date: string;
      payable_date?: string;
    }
  | {
      type: 'cash_dividend';
      symbol: string;
      rate: number;
      special: boolean;
      foreign: boolean;
      ex_date: string;
      process_date: string;
      record_date: string;
      payable_date?: string;
    };

export class AlpacaMock extends MockVenueServer {
  readonly #o: Required<AlpacaMockOptions>;
  readonly #state = new Map<MockConnection, AlpacaConn>();
  /** Minute bars per ticker (`AAPL`), any order. */
  readonly bars = new Map<string, AlpacaMockBar[]>();
  /** Corporate actions served by `GET /v1/corporate-actions`, any order. */
  readonly corporateActions: AlpacaMockCorporateAction[] = [];
  /** REST answers that were 429. */
  rateLimited = 0;
  #window = { startedAt: 0, used: 0 };

  constructor(options: AlpacaMockOptions = {}) {
    super();
    this.#o = {
      keyId: options.keyId ?? 'mock-key',
      secretKey: options.secretKey ?? 'mock-secret',
      authTimeoutMs: options.authTimeoutMs ?? 10_000,
      rateLimit: options.rateLimit ?? 200,
      rateWindowMs: options.rateWindowMs ?? 60_000,
    };
  }

  /** Tickers a connection subscribed to for trades. */
  tradesOf(conn: MockConnection): string[] {
    return [...(this.#state.get(conn)?.trades ?? [])];
  }

  /** Sends a trade to the authenticated subscribers of `ticker`. */
  trade(ticker: string, t: AlpacaMockTrade): void {
    const message = { T: 't', S: ticker, x: 'V', c: ['@'], z: 'C', ...t };
    for (const c of this.open()) if (this.#state.get(c)?.trades.has(ticker)) this.sendTo(c, [message]);
  }

  /** Sends a minute bar to the authenticated bar subscribers of `ticker`. */
  bar(ticker: string, b: AlpacaMockBar): void {
    for (const c of this.open())
      if (this.#state.get(c)?.bars.has(ticker)) this.sendTo(c, [{ T: 'b', S: ticker, ...b }]);
  }

  /** Sends a minute's bar again after late trades changed it, to its `updatedBars` subscribers. */
  updatedBar(ticker: string, b: AlpacaMockBar): void {
    for (const c of this.open())
      if (this.#state.get(c)?.updatedBars.has(ticker)) this.sendTo(c, [{ T: 'u', S: ticker, ...b }]);
  }

  protected override onOpen(conn: MockConnection): void {
    if (!/^\/v2\/(iex|sip|delayed_sip)$/.test(conn.url.pathname)) {
      conn.ws.close(1008, 'unknown path');
      return;
    }
    const state: AlpacaConn = {
      authenticated: false,
      trades: new Set(),
      bars: new Set(),
      updatedBars: new Set(),
      timer: null,
    };
    state.timer = setTimeout(() => {
      if (!state.authenticated) this.#fail(conn, 404, 'auth timeout');
    }, this.#o.authTimeoutMs);
    this.#state.set(conn, state);
    conn.ws.on('close', () => state.timer && clearTimeout(state.timer));
    this.sendTo(conn, [{ T: 'success', msg: 'connected' }]);
  }

  protected override onText(conn: MockConnection, text: string): void {
    const state = this.#state.get(conn);
    if (!state) return;
    let m: Record<string, unknown>;
    try {
      m = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return this.#error(conn, 400, 'invalid syntax');
    }
    if (m.action === 'auth') {
      if (state.authenticated) return this.#error(conn, 403, 'already authenticated');
      if (m.key !== this.#o.keyId || m.secret !== this.#o.secretKey)
        return this.#fail(conn, 402, 'auth failed');
      state.authenticated = true;
      return this.sendTo(conn, [{ T: 'success', msg: 'authenticated' }]);
    }
    if (m.action !== 'subscribe' && m.action !== 'unsubscribe')
      return this.#error(conn, 400, 'invalid syntax');
    if (!state.authenticated) return this.#error(conn, 401, 'not authenticated');
    const change = m.action === 'subscribe' ? 'add' : 'delete';
    for (const key of ['trades', 'bars', 'updatedBars'] as const) {
      const list = m[key];
      if (list === undefined) continue;
      if (!Array.isArray(list) || list.some((s) => typeof s !== 'string'))
        return this.#error(conn, 400, 'invalid syntax');
      for (const s of list as string[]) state[key][change](s);
    }
    this.sendTo(conn, [
      {
        T: 'subscription',
        trades: [...state.trades],
        quotes: [],
        bars: [...state.bars],
        updatedBars: [...state.updatedBars],
        dailyBars: [],
      },
    ]);
  }

  protected override onRest(url: URL, headers: IncomingHttpHeaders = {}): MockRestAnswer {
    const m = /^\/v2\/stocks\/([^/]+)\/bars$/.exec(url.pathname);
    const actions = url.pathname === '/v1/corporate-actions';
    if (!m && !actions) return super.onRest(url, headers);
    if (headers['apca-api-key-id'] !== this.#o.keyId || headers['apca-api-secret-key'] !== this.#o.secretKey)
      return { status: 401, body: { message: 'unauthorized.' } };
    const now = Date.now();
    if (now - this.#window.startedAt >= this.#o.rateWindowMs) this.#window = { startedAt: now, used: 0 };
    const resetSec = Math.ceil((this.#window.startedAt + this.#o.rateWindowMs) / 1000);
    const rateHeaders = (remaining: number) => ({
      'x-ratelimit-limit': String(this.#o.rateLimit),
      'x-ratelimit-remaining': String(remaining),
      'x-ratelimit-reset': String(resetSec),
    });
    if (this.#window.used >= this.#o.rateLimit) {
      this.rateLimited++;
      return { status: 429, body: { message: 'too many requests.' }, headers: rateHeaders(0) };
    }
    this.#window.used++;
    if (actions) return { ...this.#corporateActions(url.searchParams), headers: rateHeaders(this.#o.rateLimit - this.#window.used) };
    if (!m) return super.onRest(url, headers);
    const q = url.searchParams;
    if (q.get('timeframe') !== '1Min') return { status: 422, body: { message: 'invalid timeframe' } };
    const start = Date.parse(q.get('start') ?? '');
    const end = q.has('end') ? Date.parse(q.get('end')!) : Number.POSITIVE_INFINITY;
    const limit = Number(q.get('limit') ?? 1000);
    const offset = q.has('page_token')
      ? Number(Buffer.from(q.get('page_token')!, 'base64').toString('utf8'))
      : 0;
    const rows = (this.bars.get(decodeURIComponent(m[1]!)) ?? [])
      .filter((b) => Date.parse(b.t) >= start && Date.parse(b.t) <= end)
      .sort((a, b) => a.t.localeCompare(b.t));
    const page = rows.slice(offset, offset + limit);
    const next = offset + limit < rows.length ? Buffer.from(String(offset + limit)).toString('base64') : null;
    return {
      status: 200,
      body: { bars: page, symbol: decodeURIComponent(m[1]!), next_page_token: next },
      headers: rateHeaders(this.#o.rateLimit - this.#window.used),
    };
  }

  /**
   * `GET /v1/corporate-actions`: the actions of `symbols` of `types` with an ex date in
   * `[start, end]`, grouped by type as Alpaca answers, paged by `limit` and an opaque token.
   */
  #corporateActions(q: URLSearchParams): MockRestAnswer {
    const symbols = new Set((q.get('symbols') ?? '').split(',').filter(Boolean));
    const types = new Set((q.get('types') ?? 'forward_split,reverse_split,cash_dividend').split(','));
    const [start, end] = [q.get('start') ?? '0000-00-00', q.get('end') ?? '9999-99-99'];
    if (symbols.size === 0) return { status: 422, body: { message: 'symbols is required' } };
    const limit = Number(q.get('limit') ?? 100);
    const offset = q.has('page_token') ? Number(Buffer.from(q.get('page_token')!, 'base64').toString('utf8')) : 0;
    const wanted = this.corporateActions
      .filter((a) => types.has(a.type) && symbols.has(a.symbol) && a.ex_date >= start && a.ex_date <= end)
      .sort((a, b) => a.ex_date.localeCompare(b.ex_date));
    const page = wanted.slice(offset, offset + limit);
    const grouped: Record<string, object[]> = {};
    for (const { type, ...row } of page) (grouped[`${type}s`] ??= []).push(row);
    const next = offset + limit < wanted.length ? Buffer.from(String(offset + limit)).toString('base64') : null;
    return { status: 200, body: { corporate_actions: grouped, next_page_token: next } };
  }

  protected override onClose(): void {
    for (const s of this.#state.values()) if (s.timer) clearTimeout(s.timer);
  }

  #error(conn: MockConnection, code: number, msg: string): void {
    this.sendTo(conn, [{ T: 'error', code, msg }]);
  }

  #fail(conn: MockConnection, code: number, msg: string): void {
    this.#error(conn, code, msg);
    conn.ws.close(1008, msg);
  }
}
