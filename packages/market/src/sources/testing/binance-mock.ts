/**
 * @module A loopback Binance spot stream server: `/ws/<stream>` and `/stream?streams=` paths (the
 * combined wrapper), `SUBSCRIBE`/`UNSUBSCRIBE`/`LIST_SUBSCRIPTIONS` JSON-RPC, server pings with a
 * pong deadline, close 1008 past the client message limit, a lifetime cut, `serverShutdown`, and
 * `GET /api/v3/klines`. Timings are options so tests run in milliseconds.
 */
import { MockVenueServer, type MockConnection, type MockRestAnswer } from './mock-venue.ts';

/** Options for {@link BinanceMock}. */
export interface BinanceMockOptions {
  /** Server ping period. @default 20_000 */
  pingIntervalMs?: number;
  /** No pong within this after a ping closes the connection. @default 60_000 */
  pongTimeoutMs?: number;
  /** Client messages (pongs included) allowed per `clientWindowMs`. @default 5 */
  maxClientMessages?: number;
  /** @default 1_000 */
  clientWindowMs?: number;
  /** Connection lifetime cut. @default 24 h */
  lifetimeMs?: number;
}

/** A trade as the mock sends it (`s` and `e` are filled in). */
export interface BinanceMockTrade {
  t: number;
  p: string;
  q: string;
  T: number;
  /** Buyer is maker. @default false */
  m?: boolean;
}

/** Per-connection Binance state. */
interface BinanceConn {
  streams: Set<string>;
  combined: boolean;
  clientTimes: number[];
  timers: NodeJS.Timeout[];
  pongDue: NodeJS.Timeout | null;
}

/** The Binance mock. */
export class BinanceMock extends MockVenueServer {
  readonly #o: Required<BinanceMockOptions>;
  readonly #state = new Map<MockConnection, BinanceConn>();
  /** `GET /api/v3/klines` rows per upper-case symbol. */
  readonly klines = new Map<string, unknown[][]>();

  constructor(options: BinanceMockOptions = {}) {
    super();
    this.#o = {
      pingIntervalMs: options.pingIntervalMs ?? 20_000,
      pongTimeoutMs: options.pongTimeoutMs ?? 60_000,
      maxClientMessages: options.maxClientMessages ?? 5,
      clientWindowMs: options.clientWindowMs ?? 1_000,
      lifetimeMs: options.lifetimeMs ?? 86_400_000,
    };
  }

  /** Streams a connection is subscribed to. */
  streamsOf(conn: MockConnection): string[] {
    return [...(this.#state.get(conn)?.streams ?? [])];
  }

  /** Sends a trade to every connection subscribed to `<symbol>@trade`. */
  trade(symbol: string, trade: BinanceMockTrade): void {
    const s = symbol.toUpperCase();
    this.#publish(`${s.toLowerCase()}@trade`, { e: 'trade', E: trade.T, s, m: false, M: true, ...trade });
  }

  /** Sends a kline update (`x` false: forming; true: closed). */
  kline(symbol: string, interval: string, k: Record<string, unknown>): void {
    const s = symbol.toUpperCase();
    this.#publish(`${s.toLowerCase()}@kline_${interval}`, {
      e: 'kline',
      E: Date.now(),
      s,
      k: { s, i: interval, ...k },
    });
  }

  /** Announces a planned disconnect. */
  serverShutdown(): void {
    for (const c of this.open()) {
      const data = { e: 'serverShutdown', E: Date.now() };
      this.sendTo(c, this.#state.get(c)?.combined ? { stream: '!serverShutdown', data } : data);
    }
  }

  /** Pings every open connection now with `payload`. */
  ping(payload: string): void {
    for (const c of this.open()) if (!this.silent) c.ws.ping(payload);
  }

  protected override onOpen(conn: MockConnection): void {
    const path = conn.url.pathname;
    const combined = path === '/stream';
    const streams = new Set<string>();
    if (combined) {
      for (const s of (conn.url.searchParams.get('streams') ?? '').split('/')) if (s) streams.add(s);
    } else if (path.startsWith('/ws/')) {
      streams.add(path.slice(4));
    } else if (path !== '/ws') {
      conn.ws.close(1008, 'unknown path');
      return;
    }
    const state: BinanceConn = { streams, combined, clientTimes: [], timers: [], pongDue: null };
    this.#state.set(conn, state);
    const ping = setInterval(() => {
      if (this.silent || conn.closed) return;
      conn.ws.ping(String(Date.now()));
      state.pongDue ??= setTimeout(() => conn.ws.close(1008, 'pong timeout'), this.#o.pongTimeoutMs);
    }, this.#o.pingIntervalMs);
    const cut = setTimeout(() => conn.ws.close(1001, 'lifetime'), this.#o.lifetimeMs);
    state.timers.push(ping, cut);
    conn.ws.on('pong', () => {
      this.#count(conn, state);
      if (state.pongDue) clearTimeout(state.pongDue);
      state.pongDue = null;
    });
    conn.ws.on('close', () => {
      for (const t of state.timers) clearTimeout(t);
      if (state.pongDue) clearTimeout(state.pongDue);
    });
  }

  protected override onText(conn: MockConnection, text: string): void {
    const state = this.#state.get(conn);
    if (!state || !this.#count(conn, state)) return;
    let req: { method?: unknown; params?: unknown; id?: unknown };
    try {
      req = JSON.parse(text) as typeof req;
    } catch {
      this.sendTo(conn, { code: 3, msg: 'Invalid JSON: expected value', id: null });
      return;
    }
    const id = req.id ?? null;
    const params = Array.isArray(req.params)
      ? req.params.filter((p): p is string => typeof p === 'string')
      : [];
    switch (req.method) {
      case 'SUBSCRIBE':
        for (const p of params) state.streams.add(p);
        this.sendTo(conn, { result: null, id });
        return;
      case 'UNSUBSCRIBE':
        for (const p of params) state.streams.delete(p);
        this.sendTo(conn, { result: null, id });
        return;
      case 'LIST_SUBSCRIPTIONS':
        this.sendTo(conn, { result: [...state.streams], id });
        return;
      default:
        this.sendTo(conn, { code: 2, msg: `Invalid request: unknown method ${String(req.method)}`, id });
    }
  }

  protected override onRest(url: URL): MockRestAnswer {
    if (url.pathname !== '/api/v3/klines') return super.onRest(url);
    const q = url.searchParams;
    const rows = this.klines.get(q.get('symbol') ?? '') ?? [];
    const start = Number(q.get('startTime') ?? 0);
    const end = Number(q.get('endTime') ?? Number.MAX_SAFE_INTEGER);
    const limit = Number(q.get('limit') ?? 500);
    const body = rows.filter((r) => (r[0] as number) >= start && (r[0] as number) <= end).slice(0, limit);
    return { status: 200, body, headers: { 'x-mbx-used-weight-1m': '2' } };
  }

  protected override onClose(): void {
    for (const s of this.#state.values()) for (const t of s.timers) clearTimeout(t);
  }

  /** Counts a client message; past the limit the connection closes with 1008. */
  #count(conn: MockConnection, state: BinanceConn): boolean {
    const now = performance.now();
    state.clientTimes.push(now);
    while (state.clientTimes[0]! <= now - this.#o.clientWindowMs) state.clientTimes.shift();
    if (state.clientTimes.length <= this.#o.maxClientMessages) return true;
    conn.ws.close(1008, 'Too many requests');
    return false;
  }

  #publish(stream: string, data: object): void {
    for (const c of this.open()) {
      const state = this.#state.get(c);
      if (!state?.streams.has(stream)) continue;
      this.sendTo(c, state.combined ? { stream, data } : data);
    }
  }
}
