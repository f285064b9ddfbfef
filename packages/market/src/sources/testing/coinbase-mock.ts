/**
 * @module A loopback Coinbase Advanced Trade market data server: `subscribe` per channel with a
 * deadline, the `subscriptions` ack, `heartbeats` every `heartbeatMs`, `market_trades` snapshot
 * then updates, `sequence_num` per connection with injectable skips and repeats, `error`
 * messages, and the public candles REST endpoint.
 */
import { MockVenueServer, type MockConnection, type MockRestAnswer } from './mock-venue.ts';

/** Options for {@link CoinbaseMock}. */
export interface CoinbaseMockOptions {
  /** Close a connection that has not subscribed by then. @default 5_000 */
  subscribeDeadlineMs?: number;
  /** @default 1_000 */
  heartbeatMs?: number;
}

/** A market trade as tests give it. */
export interface CoinbaseMockTrade {
  trade_id: string;
  price: string;
  size: string;
  side: 'BUY' | 'SELL';
  /** ISO-8601. */
  time: string;
}

interface CoinbaseConn {
  channels: Map<string, Set<string>>;
  seq: number;
  counter: number;
  timers: NodeJS.Timeout[];
}

/** The Coinbase mock. */
export class CoinbaseMock extends MockVenueServer {
  readonly #o: Required<CoinbaseMockOptions>;
  readonly #state = new Map<MockConnection, CoinbaseConn>();
  readonly #recent = new Map<string, CoinbaseMockTrade[]>();
  /** Public candles per product, `{start (unix s), low, high, open, close, volume}`. */
  readonly candles = new Map<string, Record<string, string>[]>();

  constructor(options: CoinbaseMockOptions = {}) {
    super();
    this.#o = {
      subscribeDeadlineMs: options.subscribeDeadlineMs ?? 5_000,
      heartbeatMs: options.heartbeatMs ?? 1_000,
    };
  }

  /** Channels and products a connection subscribed to. */
  channelsOf(conn: MockConnection): Record<string, string[]> {
    const state = this.#state.get(conn);
    return Object.fromEntries([...(state?.channels ?? [])].map(([k, v]) => [k, [...v]]));
  }

  /** The next `sequence_num`s of every open connection jump by `n` (messages lost). */
  skipSequence(n: number): void {
    for (const s of this.#state.values()) s.seq += n;
  }

  /** The next message of every open connection repeats an old `sequence_num` (stale data). */
  rewindSequence(n: number): void {
    for (const s of this.#state.values()) s.seq -= n;
  }

  /** Sends one `market_trades` update with `trades` to subscribers of `product`. */
  trades(product: string, trades: CoinbaseMockTrade[]): void {
    const recent = [...trades, ...(this.#recent.get(product) ?? [])].slice(0, 50);
    this.#recent.set(product, recent);
    for (const c of this.open()) {
      if (this.#state.get(c)?.channels.get('market_trades')?.has(product)) {
        this.#envelope(c, 'market_trades', [
          { type: 'update', trades: trades.map((t) => ({ product_id: product, ...t })) },
        ]);
      }
    }
  }

  protected override onOpen(conn: MockConnection): void {
    const state: CoinbaseConn = { channels: new Map(), seq: 0, counter: 0, timers: [] };
    this.#state.set(conn, state);
    const deadline = setTimeout(() => {
      if (state.channels.size === 0) conn.ws.close(1008, 'subscribe deadline');
    }, this.#o.subscribeDeadlineMs);
    state.timers.push(deadline);
    conn.ws.on('close', () => state.timers.forEach((t) => clearTimeout(t)));
  }

  protected override onText(conn: MockConnection, text: string): void {
    const state = this.#state.get(conn);
    if (!state) return;
    let req: { type?: unknown; channel?: unknown; product_ids?: unknown };
    try {
      req = JSON.parse(text) as typeof req;
    } catch {
      return this.sendTo(conn, { type: 'error', message: 'failure to parse message' });
    }
    if (req.type !== 'subscribe' && req.type !== 'unsubscribe') {
      return this.sendTo(conn, { type: 'error', message: `unknown type ${String(req.type)}` });
    }
    if (typeof req.channel !== 'string')
      return this.sendTo(conn, { type: 'error', message: 'channel required' });
    const products = Array.isArray(req.product_ids) ? req.product_ids.map(String) : [];
    const set = state.channels.get(req.channel) ?? new Set<string>();
    for (const p of products) {
      if (req.type === 'subscribe') set.add(p);
      else set.delete(p);
    }
    state.channels.set(req.channel, set);
    this.#envelope(conn, 'subscriptions', [{ subscriptions: this.channelsOf(conn) }]);
    if (req.type !== 'subscribe') return;
    if (req.channel === 'heartbeats' && state.timers.length === 1) {
      const beat = setInterval(() => {
        state.counter++;
        this.#envelope(conn, 'heartbeats', [
          { current_time: new Date().toISOString(), heartbeat_counter: state.counter },
        ]);
      }, this.#o.heartbeatMs);
      state.timers.push(beat);
    }
    if (req.channel === 'market_trades') {
      for (const p of products) {
        const recent = this.#recent.get(p) ?? [];
        if (recent.length > 0) {
          this.#envelope(conn, 'market_trades', [
            { type: 'snapshot', trades: recent.map((t) => ({ product_id: p, ...t })) },
          ]);
        }
      }
    }
  }

  protected override onRest(url: URL): MockRestAnswer {
    const m = /^\/api\/v3\/brokerage\/market\/products\/([A-Z0-9-]+)\/candles$/.exec(url.pathname);
    if (!m) return super.onRest(url);
    const q = url.searchParams;
    const start = Number(q.get('start'));
    const end = Number(q.get('end'));
    const rows = (this.candles.get(m[1]!) ?? [])
      .filter((c) => Number(c.start) >= start && Number(c.start) <= end)
      .sort((a, b) => Number(b.start) - Number(a.start));
    return { status: 200, body: { candles: rows } };
  }

  protected override onClose(): void {
    for (const s of this.#state.values()) s.timers.forEach((t) => clearTimeout(t));
  }

  #envelope(conn: MockConnection, channel: string, events: unknown[]): void {
    const state = this.#state.get(conn);
    if (!state || this.silent) return;
    this.sendTo(conn, {
      channel,
      client_id: '',
      timestamp: new Date().toISOString(),
      sequence_num: state.seq++,
      events,
    });
  }
}
