/**
 * @module The WebSocket API side of {@link BinanceSpotMock}: `/ws-api/v3` on the mock's port, where
 * `userDataStream.subscribe.signature` is checked as the venue does (a known API key, the HMAC over
 * the parameters sorted by name, the timestamp inside `recvWindow`) and answered with a
 * `subscriptionId`; the account's order updates then arrive as `{ subscriptionId, event }` frames.
 * {@link MockUserStreams.drop} cuts every connection, as a venue outage does.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Server } from 'node:http';
import { type RawData, WebSocket, WebSocketServer } from 'ws';

/** The path of the WebSocket API. */
export const MOCK_WS_API_PATH = '/ws-api/v3';

interface Subscriber {
  socket: WebSocket;
  subscriptionId: number;
}

/** Options of {@link MockUserStreams}. */
export interface MockUserStreamsOptions {
  /** The secret of each API key the venue knows. */
  secretOf: (apiKey: string) => string | undefined;
  /** The venue's clock. */
  now: () => number;
}

export class MockUserStreams {
  readonly #o: MockUserStreamsOptions;
  readonly #wss: WebSocketServer;
  readonly #subscribers = new Set<Subscriber>();
  #nextId = 0;
  /** Called for each subscription answered. */
  onSubscribed: (() => void) | undefined;

  constructor(server: Server, options: MockUserStreamsOptions) {
    this.#o = options;
    this.#wss = new WebSocketServer({ server, path: MOCK_WS_API_PATH });
    this.#wss.on('connection', (socket) => {
      socket.on('message', (data: RawData) => this.#request(socket, data));
      socket.on('close', () => {
        for (const s of this.#subscribers) if (s.socket === socket) this.#subscribers.delete(s);
      });
    });
  }

  /** Connections holding a subscription now. */
  get subscribers(): number {
    return this.#subscribers.size;
  }

  /** Sends `event` to every subscription (one account behind every key). */
  push(event: Record<string, unknown>): void {
    for (const s of this.#subscribers)
      if (s.socket.readyState === WebSocket.OPEN)
        s.socket.send(JSON.stringify({ subscriptionId: s.subscriptionId, event }));
  }

  /** Cuts every connection without a close frame (an outage). */
  drop(): void {
    for (const socket of this.#wss.clients) socket.terminate();
    this.#subscribers.clear();
  }

  async close(): Promise<void> {
    this.drop();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }

  #request(socket: WebSocket, data: RawData): void {
    let request: { id?: unknown; method?: unknown; params?: Record<string, unknown> };
    try {
      const text = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
      request = JSON.parse(text.toString('utf8')) as typeof request;
    } catch {
      socket.send(
        JSON.stringify({ id: null, status: 400, error: { code: -1100, msg: 'Malformed request.' } }),
      );
      return;
    }
    const id = typeof request.id === 'string' ? request.id : null;
    const answer = (status: number, body: Record<string, unknown>) =>
      socket.send(JSON.stringify({ id, status, ...body }));
    if (request.method !== 'userDataStream.subscribe.signature')
      return answer(400, { error: { code: -1100, msg: `Unknown method ${String(request.method)}.` } });
    const refusal = this.#check(request.params ?? {});
    if (refusal) return answer(refusal.status, { error: { code: refusal.code, msg: refusal.msg } });
    const subscriptionId = this.#nextId++;
    this.#subscribers.add({ socket, subscriptionId });
    this.onSubscribed?.();
    answer(200, { result: { subscriptionId } });
  }

  /** The venue's checks on a signed request, in its order: key, signature, window, timestamp. */
  #check(params: Record<string, unknown>): { status: number; code: number; msg: string } | undefined {
    const secret = typeof params['apiKey'] === 'string' ? this.#o.secretOf(params['apiKey']) : undefined;
    if (secret === undefined)
      return { status: 401, code: -2015, msg: 'Invalid API-key, IP, or permissions for action.' };
    const payload = Object.entries(params)
      .filter(([name]) => name !== 'signature')
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, value]) => `${name}=${String(value)}`)
      .join('&');
    const expected = createHmac('sha256', secret).update(payload).digest();
    const given = Buffer.from(typeof params['signature'] === 'string' ? params['signature'] : '', 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      return { status: 400, code: -1022, msg: 'Signature for this request is not valid.' };
    const recvWindow = Number(params['recvWindow'] ?? 5000);
    if (!(recvWindow > 0) || recvWindow > 60_000)
      return { status: 400, code: -1131, msg: 'recvWindow must be less than 60000' };
    const timestamp = Number(params['timestamp']);
    const now = this.#o.now();
    if (!Number.isFinite(timestamp) || timestamp >= now + 1000 || now - timestamp > recvWindow)
      return { status: 400, code: -1021, msg: 'Timestamp for this request is outside of the recvWindow.' };
    return undefined;
  }
}
