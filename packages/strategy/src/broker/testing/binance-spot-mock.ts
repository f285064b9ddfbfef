/**
 * @module A loopback Binance spot REST venue (node:http on 127.0.0.1, port 0) for tests. It checks
 * requests the way the venue does — `X-MBX-APIKEY`, the HMAC-SHA256 signature over the exact
 * parameter string, `timestamp` against its own clock (refused if > 1 s ahead or older than
 * `recvWindow`, which may not exceed 60 000) — keeps balances with locked funds, applies LOT_SIZE,
 * PRICE_FILTER and NOTIONAL filters, matches resting orders against trades the test feeds with
 * {@link BinanceSpotMock.trade}, and answers in Binance's shapes and error codes. Failures are
 * injected per request with {@link BinanceSpotMock.inject}.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MockOrderBook, type MockSymbol, VenueRefusal } from './binance-mock-book.ts';

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
}

/** One request the mock received, for assertions. */
export interface MockRequestRecord {
  method: string;
  path: string;
  params: URLSearchParams;
  status: number;
}

export class BinanceSpotMock {
  readonly #o: BinanceSpotMockOptions;
  readonly book: MockOrderBook;
  readonly requests: MockRequestRecord[] = [];
  #failures: InjectedFailure[] = [];
  #server: Server | undefined;
  #hanging = new Set<ServerResponse>();
  clockOffsetMs: number;

  constructor(options: BinanceSpotMockOptions) {
    this.#o = options;
    this.clockOffsetMs = options.clockOffsetMs ?? 0;
    this.book = new MockOrderBook(options.symbols, options.balances, options.commissionRate ?? 0.001, () =>
      this.serverTime(),
    );
  }

  /** The venue's clock. */
  serverTime(): number {
    return Date.now() + this.clockOffsetMs;
  }

  /** `http://127.0.0.1:<port>` once started. */
  get url(): string {
    const address = this.#server?.address() as AddressInfo | null | undefined;
    if (!address) throw new Error('the Binance mock is not started');
    return `http://127.0.0.1:${address.port}`;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        res.writeHead(500).end(String(error));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.#server = server;
  }

  async stop(): Promise<void> {
    for (const res of this.#hanging) res.destroy();
    this.#hanging.clear();
    const server = this.#server;
    this.#server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
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
    const refusal = this.#authenticate(req, raw, body, params);
    if (refusal) return error(refusal.status, refusal.code, refusal.message);

    let answer: unknown;
    try {
      answer = this.#route(method, url.pathname, params);
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
    if (req.headers['x-mbx-apikey'] !== this.#o.apiKey) {
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
    const expected = createHmac('sha256', this.#o.apiSecret).update(total.slice(0, at)).digest();
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

  #route(method: string, path: string, params: URLSearchParams): unknown {
    const book = this.book;
    const key = `${method} ${path}`;
    switch (key) {
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
