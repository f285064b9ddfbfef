/**
 * @module A loopback Upbit quotation server: `/websocket/v1` with the array request (ticket, type,
 * codes, format), `{"error":{…}}` for bad requests, a SNAPSHOT of the last trade then REALTIME,
 * DEFAULT or SIMPLE keys, `PING` answered by `{"status":"UP"}` (then every `statusIntervalMs`),
 * an idle close, optional binary frames, and `GET /v1/candles/minutes/1`.
 */
import { MockVenueServer, type MockConnection, type MockRestAnswer } from './mock-venue.ts';

/** Options for {@link UpbitMock}. */
export interface UpbitMockOptions {
  /** Close after this long without a client message. @default 120_000 */
  idleMs?: number;
  /** `{"status":"UP"}` period once a client pinged. @default 10_000 */
  statusIntervalMs?: number;
  /** Send JSON in binary frames. @default true (what Upbit does) */
  binaryFrames?: boolean;
}

/** A trade as tests give it; the rest of the DEFAULT message is filled in. */
export interface UpbitMockTrade {
  sequential_id: number;
  trade_price: number;
  trade_volume: number;
  ask_bid: 'ASK' | 'BID';
  trade_timestamp: number;
}

interface UpbitConn {
  codes: Set<string>;
  simple: boolean;
  idle: NodeJS.Timeout | null;
  status: NodeJS.Timeout | null;
}

const SIMPLE_KEYS: Record<string, string> = {
  type: 'ty',
  code: 'cd',
  trade_price: 'tp',
  trade_volume: 'tv',
  ask_bid: 'ab',
  prev_closing_price: 'pcp',
  change: 'c',
  change_price: 'cp',
  trade_date: 'td',
  trade_time: 'ttm',
  trade_timestamp: 'ttms',
  timestamp: 'tms',
  sequential_id: 'sid',
  stream_type: 'st',
};

/** The Upbit mock. */
export class UpbitMock extends MockVenueServer {
  readonly #o: Required<UpbitMockOptions>;
  readonly #state = new Map<MockConnection, UpbitConn>();
  readonly #last = new Map<string, UpbitMockTrade>();
  /** Minute candles per market (`KRW-BTC`), any order. */
  readonly candles = new Map<string, Record<string, unknown>[]>();

  constructor(options: UpbitMockOptions = {}) {
    super();
    this.#o = {
      idleMs: options.idleMs ?? 120_000,
      statusIntervalMs: options.statusIntervalMs ?? 10_000,
      binaryFrames: options.binaryFrames ?? true,
    };
    this.binaryFrames = this.#o.binaryFrames;
  }

  /** Codes a connection subscribed to. */
  codesOf(conn: MockConnection): string[] {
    return [...(this.#state.get(conn)?.codes ?? [])];
  }

  /** Sends a REALTIME trade to subscribers of `code`, and keeps it as the next snapshot. */
  trade(code: string, trade: UpbitMockTrade): void {
    this.#last.set(code, trade);
    for (const c of this.open())
      if (this.#state.get(c)?.codes.has(code)) this.#send(c, code, trade, 'REALTIME');
  }

  protected override onOpen(conn: MockConnection): void {
    if (conn.url.pathname !== '/websocket/v1') {
      conn.ws.close(1008, 'unknown path');
      return;
    }
    const state: UpbitConn = { codes: new Set(), simple: false, idle: null, status: null };
    this.#state.set(conn, state);
    this.#touch(conn, state);
    conn.ws.on('close', () => this.#clear(state));
  }

  protected override onText(conn: MockConnection, text: string): void {
    const state = this.#state.get(conn);
    if (!state) return;
    this.#touch(conn, state);
    if (text === 'PING') {
      this.sendTo(conn, { status: 'UP' });
      state.status ??= setInterval(() => this.sendTo(conn, { status: 'UP' }), this.#o.statusIntervalMs);
      return;
    }
    let request: unknown;
    try {
      request = JSON.parse(text);
    } catch {
      this.#error(conn, 'WRONG_FORMAT', 'not JSON');
      return;
    }
    if (!Array.isArray(request)) return this.#error(conn, 'WRONG_FORMAT', 'expected an array');
    const items = request as Record<string, unknown>[];
    if (!items.some((i) => typeof i?.ticket === 'string'))
      return this.#error(conn, 'NO_TICKET', 'ticket missing');
    const types = items.filter((i) => typeof i?.type === 'string');
    if (types.length === 0) return this.#error(conn, 'NO_TYPE', 'type missing');
    const trade = types.find((t) => t.type === 'trade');
    const codes = Array.isArray(trade?.codes) ? (trade.codes as unknown[]) : [];
    if (trade && codes.length === 0) return this.#error(conn, 'NO_CODES', 'codes missing');
    if (codes.some((c) => typeof c !== 'string' || c !== c.toUpperCase())) {
      return this.#error(conn, 'INVALID_PARAM', 'codes must be upper case');
    }
    state.simple = items.some((i) => i?.format === 'SIMPLE');
    // A new request replaces the connection's subscription.
    state.codes = new Set(codes as string[]);
    if (trade?.is_only_realtime === true) return;
    for (const code of state.codes) {
      const last = this.#last.get(code);
      if (last) this.#send(conn, code, last, 'SNAPSHOT');
    }
  }

  protected override onRest(url: URL): MockRestAnswer {
    if (url.pathname !== '/v1/candles/minutes/1') return super.onRest(url);
    const q = url.searchParams;
    const to = q.has('to') ? Date.parse(q.get('to')!) : Number.POSITIVE_INFINITY;
    const count = Number(q.get('count') ?? 1);
    const rows = (this.candles.get(q.get('market') ?? '') ?? [])
      .filter((c) => Date.parse(`${String(c.candle_date_time_utc)}Z`) < to)
      .sort((a, b) => String(b.candle_date_time_utc).localeCompare(String(a.candle_date_time_utc)))
      .slice(0, count);
    return { status: 200, body: rows, headers: { 'remaining-req': 'group=candles; min=600; sec=9' } };
  }

  protected override onClose(): void {
    for (const s of this.#state.values()) this.#clear(s);
  }

  #send(conn: MockConnection, code: string, t: UpbitMockTrade, streamType: string): void {
    const at = new Date(t.trade_timestamp).toISOString();
    const message: Record<string, unknown> = {
      type: 'trade',
      code,
      timestamp: t.trade_timestamp + 3,
      trade_date: at.slice(0, 10),
      trade_time: at.slice(11, 19),
      trade_timestamp: t.trade_timestamp,
      trade_price: t.trade_price,
      trade_volume: t.trade_volume,
      ask_bid: t.ask_bid,
      prev_closing_price: t.trade_price,
      change: 'EVEN',
      change_price: 0,
      sequential_id: t.sequential_id,
      stream_type: streamType,
    };
    const state = this.#state.get(conn);
    this.sendTo(
      conn,
      state?.simple
        ? Object.fromEntries(Object.entries(message).map(([k, v]) => [SIMPLE_KEYS[k] ?? k, v]))
        : message,
    );
  }

  #error(conn: MockConnection, name: string, message: string): void {
    this.sendTo(conn, { error: { name, message } });
  }

  #touch(conn: MockConnection, state: UpbitConn): void {
    if (state.idle) clearTimeout(state.idle);
    state.idle = setTimeout(() => conn.ws.close(1000, 'idle'), this.#o.idleMs);
  }

  #clear(state: UpbitConn): void {
    if (state.idle) clearTimeout(state.idle);
    if (state.status) clearInterval(state.status);
  }
}
