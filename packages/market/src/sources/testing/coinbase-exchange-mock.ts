/**
 * @module A loopback Coinbase Exchange feed (after Coinbase's Exchange feed docs): the 5 s
 * subscribe deadline, the `subscriptions` ack, `last_match` on subscribe then `match` messages with
 * per-product `sequence` and `trade_id`, a `heartbeat` per product every `heartbeatMs` carrying
 * `last_trade_id`, `error` messages, and `GET /products/{id}/candles`.
 */
import { MockVenueServer, type MockConnection, type MockRestAnswer } from './mock-venue.ts';

/** Options for {@link CoinbaseExchangeMock}. */
export interface CoinbaseExchangeMockOptions {
  /** @default 5_000 */
  subscribeDeadlineMs?: number;
  /** @default 1_000 */
  heartbeatMs?: number;
}

/** A match as tests give it; `side` is the maker's. */
export interface CoinbaseExchangeMatch {
  trade_id: number;
  price: string;
  size: string;
  side: 'buy' | 'sell';
  /** ISO-8601 with µs. */
  time: string;
}

interface ExchangeConn {
  products: Set<string>;
  channels: Set<string>;
  timers: NodeJS.Timeout[];
}

/** The Coinbase Exchange mock. */
export class CoinbaseExchangeMock extends MockVenueServer {
  readonly #o: Required<CoinbaseExchangeMockOptions>;
  readonly #state = new Map<MockConnection, ExchangeConn>();
  readonly #sequence = new Map<string, number>();
  readonly #last = new Map<string, CoinbaseExchangeMatch>();
  /** Candle rows `[time (s), low, high, open, close, volume]` per product. */
  readonly candles = new Map<string, number[][]>();

  constructor(options: CoinbaseExchangeMockOptions = {}) {
    super();
    this.#o = {
      subscribeDeadlineMs: options.subscribeDeadlineMs ?? 5_000,
      heartbeatMs: options.heartbeatMs ?? 1_000,
    };
  }

  /** Products and channels a connection subscribed to. */
  subscriptionOf(conn: MockConnection): { products: string[]; channels: string[] } {
    const s = this.#state.get(conn);
    return { products: [...(s?.products ?? [])], channels: [...(s?.channels ?? [])] };
  }

  /** Sends a `match` to subscribers of `product`, with the product's next sequence number. */
  match(product: string, m: CoinbaseExchangeMatch): void {
    this.#last.set(product, m);
    const message = { type: 'match', ...this.#match(product, m) };
    for (const c of this.open()) if (this.#wants(c, product)) this.sendTo(c, message);
  }

  protected override onOpen(conn: MockConnection): void {
    const state: ExchangeConn = { products: new Set(), channels: new Set(), timers: [] };
    this.#state.set(conn, state);
    state.timers.push(
      setTimeout(() => {
        if (state.channels.size === 0) conn.ws.close(1008, 'subscribe deadline');
      }, this.#o.subscribeDeadlineMs),
      setInterval(() => {
        if (!state.channels.has('heartbeat')) return;
        for (const p of state.products) {
          this.sendTo(conn, {
            type: 'heartbeat',
            sequence: this.#sequence.get(p) ?? 0,
            last_trade_id: this.#last.get(p)?.trade_id ?? 0,
            product_id: p,
            time: new Date().toISOString(),
          });
        }
      }, this.#o.heartbeatMs),
    );
    conn.ws.on('close', () => state.timers.forEach((t) => clearTimeout(t)));
  }

  protected override onText(conn: MockConnection, text: string): void {
    const state = this.#state.get(conn);
    if (!state) return;
    let req: { type?: unknown; product_ids?: unknown; channels?: unknown };
    try {
      req = JSON.parse(text) as typeof req;
    } catch {
      return this.sendTo(conn, {
        type: 'error',
        message: 'Failed to parse message',
        reason: 'malformed JSON',
      });
    }
    if (req.type !== 'subscribe' && req.type !== 'unsubscribe') {
      return this.sendTo(conn, { type: 'error', message: `unknown type ${String(req.type)}` });
    }
    const products = Array.isArray(req.product_ids) ? req.product_ids.map(String) : [];
    const channels = Array.isArray(req.channels)
      ? req.channels.map((c) => (typeof c === 'string' ? c : String((c as { name?: unknown }).name)))
      : [];
    if (channels.length === 0) return this.sendTo(conn, { type: 'error', message: 'channels required' });
    for (const p of products) {
      if (req.type === 'subscribe') state.products.add(p);
      else state.products.delete(p);
    }
    for (const c of channels) if (req.type === 'subscribe') state.channels.add(c);
    this.sendTo(conn, {
      type: 'subscriptions',
      channels: [...state.channels].map((name) => ({ name, product_ids: [...state.products] })),
    });
    if (req.type !== 'subscribe' || !state.channels.has('matches')) return;
    for (const p of products) {
      const last = this.#last.get(p);
      if (last) this.sendTo(conn, { type: 'last_match', ...this.#match(p, last, false) });
    }
  }

  protected override onRest(url: URL): MockRestAnswer {
    const m = /^\/products\/([A-Z0-9-]+)\/candles$/.exec(url.pathname);
    if (!m) return super.onRest(url);
    const start = Date.parse(url.searchParams.get('start') ?? '') / 1000;
    const end = Date.parse(url.searchParams.get('end') ?? '') / 1000;
    const rows = (this.candles.get(m[1]!) ?? [])
      .filter((r) => r[0]! >= start && r[0]! <= end)
      .sort((a, b) => b[0]! - a[0]!);
    return { status: 200, body: rows };
  }

  protected override onClose(): void {
    for (const s of this.#state.values()) s.timers.forEach((t) => clearTimeout(t));
  }

  #wants(conn: MockConnection, product: string): boolean {
    const s = this.#state.get(conn);
    return !!s && s.channels.has('matches') && s.products.has(product);
  }

  #match(product: string, m: CoinbaseExchangeMatch, advance = true): Record<string, unknown> {
    const sequence = (this.#sequence.get(product) ?? 0) + (advance ? 1 : 0);
    this.#sequence.set(product, sequence);
    return {
      trade_id: m.trade_id,
      maker_order_id: 'ac928c66-ca53-498f-9c13-a110027a60e8',
      taker_order_id: '132fb6ae-456b-4654-b4e0-d681ac05cea1',
      side: m.side,
      size: m.size,
      price: m.price,
      product_id: product,
      sequence,
      time: m.time,
    };
  }
}
