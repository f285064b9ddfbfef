/**
 * @module A loopback Binance spot REST venue (node:http on 127.0.0.1, port 0) for tests. It checks
 * requests the way the venue does — `X-MBX-APIKEY`, the HMAC-SHA256 signature over the exact
 * parameter string, `timestamp` against its own clock (refused if > 1 s ahead or older than
 * `recvWindow`, which may not exceed 60 000) — keeps balances with locked funds, applies LOT_SIZE,
 * PRICE_FILTER and NOTIONAL filters (and lists them at the public `GET /api/v3/exchangeInfo`), matches resting orders against trades the test feeds with
 * {@link BinanceSpotMock.trade}, and answers in Binance's shapes and error codes. Failures are
 * injected per request with {@link BinanceSpotMock.inject}. Each API key has the permissions
 * `GET /sapi/v1/account/apiRestrictions` reports, and the WebSocket API at `/ws-api/v3` streams the
 * account's order updates (binance-mock-stream.ts); {@link BinanceSpotMock.stop} and
 * {@link BinanceSpotMock.start} on the same port make an outage.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MockOrderBook, type MockSymbol, VenueRefusal } from './binance-mock-book.ts';
import { MOCK_WS_API_PATH, MockUserStreams } from './binance-mock-stream.ts';

/** What `GET /sapi/v1/account/apiRestrictions` reports of a key (the wallet API's field names). */
export interface MockKeyRestrictions {
  enableReading: boolean;
  enableSpotAndMarginTrading: boolean;
  enableWithdrawals: boolean;
}

/** A key of the mock's one account, beside the main one. */
export interface MockApiKey {
  apiKey: string;
  apiSecret: string;
  restrictions?: Partial<MockKeyRestrictions>;
}

/** A key that reads and trades spot and cannot withdraw: what Tickline asks users for. */
const TRADING_KEY: MockKeyRestrictions = {
  enableReading: true,
  enableSpotAndMarginTrading: true,
  enableWithdrawals: false,
};

/** A failure the next matching request gets instead of its normal answer. */
export interface InjectedFailure {
  method?: 'GET' | 'POST' | 'DELETE';
  path?: string;
  /** HTTP status to answer with. */
  status: number;
  /** Binance error code and message for the body; a non-JSON body when absent. */
  code?: number;
  msg?: string;
  /** `Retry-After` header, seconds. */
  retryAfterSec?: number;
  /** Execute the request first, then answer with the failure (a lost answer after a success). */
  afterExecute?: boolean;
  /** Do not answer at all (the client times out); with afterExecute, the order still happens. */
  hang?: boolean;
}

/** Options for {@link BinanceSpotMock}. */
export interface BinanceSpotMockOptions {
  apiKey: string;
  apiSecret: string;
  symbols: MockSymbol[];
  /** Starting balances by asset. */
  balances: Record<string, number>;
  /** The venue clock runs this far ahead of the local one (negative: behind). @default 0 */
  clockOffsetMs?: number;
  /** Commission rate charged on the received asset. @default 0.001 */
  commissionRate?: number;
  /** The main key's permissions. @default reads and trades spot, cannot withdraw */
  restrictions?: Partial<MockKeyRestrictions>;
  /** More keys of the same account (a key that can withdraw, one that cannot trade…). */
  keys?: MockApiKey[];
}

/** One request the mock received, for assertions. */
export interface MockRequestRecord {
  method: string;
  path: string;
  params: URLSearchParams;
  status: number;
}

export class BinanceSpotMock {
  readonly book: MockOrderBook;
  readonly requests: MockRequestRecord[] = [];
  #failures: InjectedFailure[] = [];
  #server: Server | undefined;
  #streams: MockUserStreams | undefined;
  #hanging = new Set<ServerResponse>();
  readonly #keys = new Map<string, { secret: string; restrictions: MockKeyRestrictions }>();
  clockOffsetMs: number;
  /** Subscriptions the WebSocket API answered, over every start (a reconnect adds one). */
  streamSubscriptions = 0;

  constructor(options: BinanceSpotMockOptions) {
    this.clockOffsetMs = options.clockOffsetMs ?? 0;
    for (const key of [
      { apiKey: options.apiKey, apiSecret: options.apiSecret, restrictions: options.restrictions },
      ...(options.keys ?? []),
    ])
      this.#keys.set(key.apiKey, {
        secret: key.apiSecret,
        restrictions: { ...TRADING_KEY, ...key.restrictions },
      });
    this.book = new MockOrderBook(options.symbols, options.balances, options.commissionRate ?? 0.001, () =>
      this.serverTime(),
    );
    this.book.onReport = (event) => this.#streams?.push(event);
  }

  /** The venue's clock. */
  serverTime(): number {
    return Date.now() + this.clockOffsetMs;
  }

  /** `http://127.0.0.1:<port>` once started. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** `ws://127.0.0.1:<port>/ws-api/v3`: the WebSocket API (user-data stream subscriptions). */
  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}${MOCK_WS_API_PATH}`;
  }

  get port(): number {
    const address = this.#server?.address() as AddressInfo | null | undefined;
    if (!address) throw new Error('the Binance mock is not started');
    return address.port;
  }

  /** Whether it listens (between {@link start} and {@link stop}). */
  get started(): boolean {
    return this.#server !== undefined;
  }

  /** Connections holding a user-data subscription now. */
  get streamSubscribers(): number {
    return this.#streams?.subscribers ?? 0;
  }

  /** Listens on `port` (a free one when 0): after a {@link stop}, the same port brings the venue back. */
  async start(port = 0): Promise<void> {
    const server = createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        res.writeHead(500).end(String(error));
      });
    });
    // Connections left open by clients (keep-alive) must not hold the port after a stop.
    server.keepAliveTimeout = 1_000;
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.#server = server;
    this.#streams = new MockUserStreams(server, {
      secretOf: (apiKey) => this.#keys.get(apiKey)?.secret,
      now: () => this.serverTime(),
    });
    this.#streams.onSubscribed = () => this.streamSubscriptions++;
  }

  /** Cuts every user-data stream connection (the REST side stays up). */
  dropStreams(): void {
    this.#streams?.drop();
  }

  /** The venue goes away: hanging answers, streams and open connections are cut. */
  async stop(): Promise<void> {
    for (const res of this.#hanging) res.destroy();
    this.#hanging.clear();
    const server = this.#server;
    const streams = this.#streams;
    this.#server = undefined;
    this.#streams = undefined;
    await streams?.close();
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  /** Sets what `GET /sapi/v1/account/apiRestrictions` reports of `apiKey`. */
  restrict(apiKey: string, restrictions: Partial<MockKeyRestrictions>): void {
    const key = this.#keys.get(apiKey);
    if (!key) throw new Error(`the Binance mock has no key ${apiKey.slice(-4)}`);
    key.restrictions = { ...key.restrictions, ...restrictions };
  }

  /** Queues a failure for the next request matching `method` and `path` (any when absent). */
  inject(failure: InjectedFailure): void {
    this.#failures.push(failure);
  }

  /** A trade on the venue: sets the last price and fills resting orders it reaches. */
  trade(symbol: string, price: number, quantity = Number.POSITIVE_INFINITY): void {
    this.book.trade(symbol, price, quantity);
  }

  /** Requests to `path` (optionally with `method`). */
  requestsTo(path: string, method?: string): MockRequestRecord[] {
    return this.requests.filter((r) => r.path === path && (method === undefined || r.method === method));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const body = await readBody(req);
    const raw = url.search.slice(1);
    const params = new URLSearchParams(`${raw}${raw && body ? '&' : ''}${body}`);
    const method = req.method ?? 'GET';
    const record: MockRequestRecord = { method, path: url.pathname, params, status: 200 };
    this.requests.push(record);
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}): void => {
      record.status = status;
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(payload));
    };
    const error = (status: number, code: number, msg: string): void => send(status, { code, msg });

    const index = this.#failures.findIndex(
      (f) => (f.method ?? method) === method && (f.path ?? url.pathname) === url.pathname,
    );
    const failure = index === -1 ? undefined : this.#failures.splice(index, 1)[0];
    if (failure && !failure.afterExecute) return this.#fail(failure, res, record);

    if (url.pathname === '/api/v3/time' && method === 'GET')
      return send(200, { serverTime: this.serverTime() });
    // Market data is public: no key, no signature.
    if (url.pathname === '/api/v3/exchangeInfo' && method === 'GET') {
      try {
        return send(200, this.book.exchangeInfo(params.get('symbol')));
      } catch (e) {
        if (e instanceof VenueRefusal) return error(e.status, e.code, e.message);
        throw e;
      }
    }
    const refusal = this.#authenticate(req, raw, body, params);
    if (refusal) return error(refusal.status, refusal.code, refusal.message);

    let answer: unknown;
    try {
      answer = this.#route(method, url.pathname, params, req.headers['x-mbx-apikey'] as string);
    } catch (e) {
      if (e instanceof VenueRefusal) return error(e.status, e.code, e.message);
      throw e;
    }
    if (failure) return this.#fail(failure, res, record);
    send(200, answer);
  }

  #fail(failure: InjectedFailure, res: ServerResponse, record: MockRequestRecord): void {
    record.status = failure.status;
    if (failure.hang) {
      this.#hanging.add(res);
      return;
    }
    const headers: Record<string, string> =
      failure.retryAfterSec === undefined ? {} : { 'retry-after': String(failure.retryAfterSec) };
    if (failure.code === undefined) {
      res
        .writeHead(failure.status, { 'content-type': 'text/html', ...headers })
        .end('<html>upstream error</html>');
      return;
    }
    res
      .writeHead(failure.status, { 'content-type': 'application/json', ...headers })
      .end(JSON.stringify({ code: failure.code, msg: failure.msg ?? '' }));
  }

  /** The venue's checks on a SIGNED request, in its order: key, signature, window, timestamp. */
  #authenticate(
    req: IncomingMessage,
    raw: string,
    body: string,
    params: URLSearchParams,
  ): VenueRefusal | undefined {
    const apiKey = req.headers['x-mbx-apikey'];
    const key = typeof apiKey === 'string' ? this.#keys.get(apiKey) : undefined;
    if (key === undefined) {
      return new VenueRefusal(401, -2015, 'Invalid API-key, IP, or permissions for action.');
    }
    const total = `${raw}${body}`;
    const at = total.lastIndexOf('&signature=');
    const given = params.get('signature');
    if (at === -1 || given === null)
      return new VenueRefusal(
        400,
        -1102,
        "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.",
      );
    const expected = createHmac('sha256', key.secret).update(total.slice(0, at)).digest();
    const got = Buffer.from(given, 'hex');
    if (got.length !== expected.length || !timingSafeEqual(got, expected)) {
      return new VenueRefusal(400, -1022, 'Signature for this request is not valid.');
    }
    const recvWindow = Number(params.get('recvWindow') ?? 5000);
    if (!(recvWindow > 0) || recvWindow > 60_000)
      return new VenueRefusal(400, -1131, 'recvWindow must be less than 60000');
    const timestamp = Number(params.get('timestamp'));
    const serverTime = this.serverTime();
    if (!Number.isFinite(timestamp))
      return new VenueRefusal(
        400,
        -1102,
        "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed.",
      );
    if (timestamp >= serverTime + 1000)
      return new VenueRefusal(
        400,
        -1021,
        "Timestamp for this request was 1000ms ahead of the server's time.",
      );
    if (serverTime - timestamp > recvWindow)
      return new VenueRefusal(400, -1021, 'Timestamp for this request is outside of the recvWindow.');
    return undefined;
  }

  #route(method: string, path: string, params: URLSearchParams, apiKey: string): unknown {
    const book = this.book;
    const key = `${method} ${path}`;
    const rights = this.#keys.get(apiKey)!.restrictions;
    // A key without the spot trading permission is refused orders, as the venue does.
    if (key.endsWith('/api/v3/order') && method !== 'GET' && !rights.enableSpotAndMarginTrading)
      throw new VenueRefusal(401, -2015, 'Invalid API-key, IP, or permissions for action.');
    switch (key) {
      case 'GET /sapi/v1/account/apiRestrictions':
        return {
          ipRestrict: false,
          createTime: 1_700_000_000_000,
          ...rights,
          enableInternalTransfer: false,
          enableMargin: false,
          enableFutures: false,
          permitsUniversalTransfer: false,
          enableVanillaOptions: false,
          enableFixApiTrade: false,
          enableFixReadOnly: false,
          enablePortfolioMarginTrading: false,
        };
      case 'POST /api/v3/order':
        return book.place(params);
      case 'DELETE /api/v3/order':
        return book.cancel(params);
      case 'GET /api/v3/order':
        return book.query(params);
      case 'GET /api/v3/openOrders':
        return book.openOrders(params.get('symbol'));
      case 'GET /api/v3/myTrades':
        return book.myTrades(params);
      case 'GET /api/v3/account':
        return book.account();
      default:
        throw new VenueRefusal(404, -1000, `no route ${key}`);
    }
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
