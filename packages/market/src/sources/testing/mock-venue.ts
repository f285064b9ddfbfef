/**
 * @module A loopback venue for tests: a real `ws` WebSocket server and a `node:http` REST server
 * on one port of 127.0.0.1, with fault injection shared by every venue — refuse upgrades (HTTP
 * status), go silent with the socket open, drop or close connections with a code, send raw bytes
 * (garbage, binary frames) — and an event-driven way to wait for what clients did. Venue mocks
 * extend it with their protocol.
 */
import { EventEmitter, once } from 'node:events';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { RecordedFrame } from './recording.ts';

/** One client connection as the mock sees it. */
export interface MockConnection {
  readonly id: number;
  readonly ws: WebSocket;
  /** Request path with query (`/stream?streams=…`). */
  readonly url: URL;
  /** Text of every frame the client sent, in order. */
  readonly received: string[];
  /** Monotonic ms (performance.now) of each received frame. */
  readonly receivedAt: number[];
  /** Payloads of pongs the client sent. */
  readonly pongs: string[];
  /** Close code and reason once closed. */
  closed: { code: number; reason: string } | null;
}

/** A REST answer. */
export interface MockRestAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** Something the mock saw, for {@link MockVenueServer.waitFor}. */
export type MockEvent =
  | { type: 'connection'; conn: MockConnection }
  | { type: 'refused'; status: number }
  | { type: 'message'; conn: MockConnection; text: string }
  /** The mock sent a frame. */
  | { type: 'sent'; conn: MockConnection; text: string }
  | { type: 'pong'; conn: MockConnection; payload: string }
  | { type: 'close'; conn: MockConnection; code: number }
  | { type: 'rest'; url: URL };

const DEFAULT_WAIT_MS = 5_000;

/** The shared mock venue. */
export class MockVenueServer {
  readonly connections: MockConnection[] = [];
  readonly restRequests: URL[] = [];
  readonly #http: Server;
  readonly #wss = new WebSocketServer({ noServer: true });
  readonly #events = new EventEmitter();
  #refuse: { count: number; status: number } = { count: 0, status: 503 };
  #restFaults: MockRestAnswer[] = [];
  #silent = false;
  #nextId = 1;
  /** Send JSON as binary frames (Upbit does). */
  binaryFrames = false;

  constructor() {
    this.#events.setMaxListeners(100);
    this.#http = createServer((req, res) => this.#rest(req, res));
    this.#http.on('upgrade', (req, socket, head) => {
      if (this.#refuse.count > 0) {
        this.#refuse.count--;
        const status = this.#refuse.status;
        socket.end(`HTTP/1.1 ${status} Refused\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
        this.#emit({ type: 'refused', status });
        return;
      }
      this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws, req));
    });
  }

  /** Listens on 127.0.0.1 on a free port. */
  async listen(): Promise<this> {
    this.#http.listen(0, '127.0.0.1');
    await once(this.#http, 'listening');
    return this;
  }

  get port(): number {
    return (this.#http.address() as AddressInfo).port;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  get restUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Connections still open. */
  open(): MockConnection[] {
    return this.connections.filter((c) => c.closed === null);
  }

  /** Refuses the next `count` WebSocket upgrades with an HTTP status (503, 429). */
  refuseNext(count: number, status = 503): void {
    this.#refuse = { count, status };
  }

  /** The next `count` REST requests get `answer` (429 with `retry-after`, 418, 500). */
  failRest(count: number, answer: MockRestAnswer): void {
    this.#restFaults = Array.from({ length: count }, () => answer);
  }

  /** While silent, nothing is sent: no data, no pings, no heartbeats; sockets stay open. */
  silence(on: boolean): void {
    this.#silent = on;
  }

  get silent(): boolean {
    return this.#silent;
  }

  /** Destroys every open socket without a close frame (a dropped connection). */
  dropAll(): void {
    for (const c of this.open()) c.ws.terminate();
  }

  /** Closes every open connection with `code` (1008 "Too many requests", 1001 going away). */
  closeAll(code: number, reason = ''): void {
    for (const c of this.open()) c.ws.close(code, reason);
  }

  /** Sends raw bytes to every open connection (garbage, truncated JSON), silence permitting. */
  sendRaw(data: string | Buffer): void {
    for (const c of this.open()) this.sendTo(c, data);
  }

  /** Sends text (or JSON as text) to one connection, as a binary frame in binary mode. */
  sendTo(conn: MockConnection, data: string | Buffer | object): void {
    if (this.#silent || conn.closed !== null) return;
    const text = typeof data === 'string' || Buffer.isBuffer(data) ? data : JSON.stringify(data);
    if (this.binaryFrames && typeof text === 'string') {
      conn.ws.send(Buffer.from(text, 'utf8'), { binary: true });
    } else conn.ws.send(text);
    this.#emit({ type: 'sent', conn, text: typeof text === 'string' ? text : text.toString('utf8') });
  }

  /**
   * Sends recorded frames to every open connection, keeping their spacing divided by `speed`
   * (`'max'`: back to back). Resolves after the last one.
   */
  async replay(frames: readonly RecordedFrame[], speed: number | 'max' = 'max'): Promise<void> {
    const first = frames[0]?.at ?? 0;
    const started = performance.now();
    for (const f of frames) {
      if (speed !== 'max') {
        const wait = started + (f.at - first) / speed - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
      for (const c of this.open()) this.sendTo(c, f.frame);
    }
  }

  /** Resolves with the first event from now on that `match` accepts (set it up before the trigger). */
  waitFor<T>(match: (e: MockEvent) => T | undefined | false, timeoutMs = DEFAULT_WAIT_MS): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#events.off('event', listener);
        reject(new Error(`mock venue: no matching event within ${timeoutMs} ms`));
      }, timeoutMs);
      const listener = (e: MockEvent): void => {
        const hit = match(e);
        if (hit === undefined || hit === false) return;
        clearTimeout(timer);
        this.#events.off('event', listener);
        resolve(hit);
      };
      this.#events.on('event', listener);
    });
  }

  /** The next connection to open. */
  nextConnection(timeoutMs?: number): Promise<MockConnection> {
    return this.waitFor((e) => e.type === 'connection' && e.conn, timeoutMs);
  }

  /** The next frame a client sends (optionally on `conn`) whose text passes `match`. */
  nextMessage(match: (text: string) => boolean = () => true, conn?: MockConnection, timeoutMs?: number) {
    return this.waitFor(
      (e) => e.type === 'message' && (!conn || e.conn === conn) && match(e.text) && e,
      timeoutMs,
    );
  }

  async close(): Promise<void> {
    for (const c of this.connections) c.ws.terminate();
    this.onClose();
    this.#wss.close();
    this.#http.closeAllConnections();
    await new Promise<void>((resolve) => this.#http.close(() => resolve()));
  }

  /** A venue mock greets a new connection here. */
  protected onOpen(_conn: MockConnection): void {}

  /** A venue mock handles client frames here. */
  protected onText(_conn: MockConnection, _text: string): void {}

  /** A venue mock answers REST here (headers carry credentials, a POST its body); the default is 404. */
  protected onRest(_url: URL, _headers?: IncomingHttpHeaders, _body?: string): MockRestAnswer {
    return { status: 404, body: { error: 'not found' } };
  }

  /** Timers to clear. */
  protected onClose(): void {}

  #emit(e: MockEvent): void {
    this.#events.emit('event', e);
  }

  #accept(ws: WebSocket, req: IncomingMessage): void {
    const conn: MockConnection = {
      id: this.#nextId++,
      ws,
      url: new URL(req.url ?? '/', this.restUrl),
      received: [],
      receivedAt: [],
      pongs: [],
      closed: null,
    };
    this.connections.push(conn);
    ws.on('message', (data) => {
      // Text and binary frames alike carry UTF-8 JSON.
      const text = (Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer)).toString('utf8');
      conn.received.push(text);
      conn.receivedAt.push(performance.now());
      this.onText(conn, text);
      this.#emit({ type: 'message', conn, text });
    });
    ws.on('pong', (payload) => {
      conn.pongs.push(payload.toString('utf8'));
      this.#emit({ type: 'pong', conn, payload: payload.toString('utf8') });
    });
    ws.on('close', (code, reason) => {
      conn.closed = { code, reason: reason.toString('utf8') };
      this.#emit({ type: 'close', conn, code });
    });
    ws.on('error', () => {});
    this.onOpen(conn);
    this.#emit({ type: 'connection', conn });
  }

  #rest(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.restUrl);
    this.restRequests.push(url);
    this.#emit({ type: 'rest', url });
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const answer = this.#restFaults.shift() ?? this.onRest(url, req.headers, body);
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(JSON.stringify(answer.body));
    });
  }
}
