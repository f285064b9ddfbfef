/**
 * @module A minimal game client for tests, over TCP or WebSocket: sends messages, collects what
 * arrives, and awaits a message of a type or the close (with the server's Close reason). Tick
 * frames are also read the way the SDK reads them — acks dequantized, view changes by id (its own
 * handle skipped) — so tests can wait for an ack or a delta.
 */
import { connect, type Socket } from 'node:net';
import { WebSocket } from 'ws';
import {
  decodeMessage,
  dequantize,
  encodeFrame,
  encodeMessage,
  FrameDecoder,
  HandleView,
  MessageType,
  type ClientMessage,
  type DeltaMessage,
  type ServerMessage,
  type TickMessage,
} from '@tickline/protocol';

type Of<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;

/** An ack as a client reads it from a tick frame: world positions (within half a step). */
export interface TestAck {
  seq: number;
  tick: number;
  x: number;
  y: number;
}

/** What a test waits for: a message as received, or an ack or delta read from a tick frame. */
type Arrival =
  | { kind: 'message'; message: ServerMessage }
  | { kind: 'ack'; ack: TestAck }
  | { kind: 'delta'; delta: DeltaMessage };

/** How a test client ended: the Close message's code (if one came) and the WebSocket close code. */
export interface ClientEnd {
  code: string | undefined;
  wsCode?: number;
}

export class TestGameClient {
  readonly received: ServerMessage[] = [];
  readonly acks: TestAck[] = [];
  readonly deltas: DeltaMessage[] = [];
  readonly ended: Promise<ClientEnd>;
  readonly #arrivals: Arrival[] = [];
  #waiters: Array<{ match: (a: Arrival) => boolean; resolve: (a: Arrival) => void }> = [];
  readonly #view = new HandleView();
  #step = 1;
  #handle = -1;
  #closeCode: string | undefined;
  #sendPayload: (bytes: Uint8Array) => void;
  #end: () => void;
  #socket: Socket | undefined;

  private constructor(
    sendPayload: (bytes: Uint8Array) => void,
    end: () => void,
    ended: (done: (wsCode?: number) => void) => void,
  ) {
    this.#sendPayload = sendPayload;
    this.#end = end;
    this.ended = new Promise((resolve) =>
      ended((wsCode) => resolve({ code: this.#closeCode, ...(wsCode === undefined ? {} : { wsCode }) })),
    );
  }

  /** Connects over TCP (4-byte length-prefixed frames). */
  static async tcp(port: number, host = '127.0.0.1'): Promise<TestGameClient> {
    const socket: Socket = connect({ port, host, noDelay: true });
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    socket.on('error', () => {});
    const client = new TestGameClient(
      (bytes) => socket.write(encodeFrame(bytes)),
      () => socket.destroy(),
      (done) => socket.once('close', () => done()),
    );
    client.#socket = socket;
    const decoder = new FrameDecoder();
    socket.on('data', (chunk: Buffer) => {
      for (const frame of decoder.push(chunk)) client.#receive(frame);
    });
    return client;
  }

  /** Connects over WebSocket (binary frames). */
  static async ws(url: string): Promise<TestGameClient> {
    const ws = new WebSocket(url);
    const client = new TestGameClient(
      (bytes) => ws.send(bytes),
      () => ws.terminate(),
      (done) => ws.once('close', (code: number) => done(code)),
    );
    // Listening before 'open': a message in the same packet as the 101 (a refusal) comes with it.
    ws.on('message', (data: Buffer) => client.#receive(data));
    await new Promise<void>((resolve, reject) => ws.once('open', resolve).once('error', reject));
    ws.on('error', () => {});
    return client;
  }

  /** Encodes and sends a message. */
  send(message: ClientMessage): void {
    this.#sendPayload(encodeMessage(message));
  }

  /** Sends raw payload bytes as one frame (to test malformed input). */
  sendPayload(payload: Uint8Array): void {
    this.#sendPayload(payload);
  }

  /** Sends arbitrary bytes on the wire, unframed (TCP only, to test bad length prefixes). */
  sendWire(bytes: Uint8Array): void {
    if (!this.#socket) throw new Error('sendWire is for TCP clients');
    this.#socket.write(bytes);
  }

  /** Resolves with the first message of `type` (already received or next) matching `where`. */
  next<T extends ServerMessage['type']>(
    type: T,
    where: (m: Of<T>) => boolean = () => true,
    timeoutMs = 3000,
  ): Promise<Of<T>> {
    const match = (a: Arrival): boolean =>
      a.kind === 'message' && a.message.type === type && where(a.message as Of<T>);
    return this.#first(match, `type ${type}`, timeoutMs).then(
      (a) => (a as { message: ServerMessage }).message as Of<T>,
    );
  }

  /** The first ack (folded into a tick frame) matching `where`. */
  nextAck(where: (a: TestAck) => boolean = () => true, timeoutMs = 3000): Promise<TestAck> {
    const match = (a: Arrival): boolean => a.kind === 'ack' && where(a.ack);
    return this.#first(match, 'ack', timeoutMs).then((a) => (a as { ack: TestAck }).ack);
  }

  /** The first view change (read from a tick frame, by id, without the client itself) matching `where`. */
  nextDelta(where: (d: DeltaMessage) => boolean = () => true, timeoutMs = 3000): Promise<DeltaMessage> {
    const match = (a: Arrival): boolean => a.kind === 'delta' && where(a.delta);
    return this.#first(match, 'delta', timeoutMs).then((a) => (a as { delta: DeltaMessage }).delta);
  }

  #first(match: (a: Arrival) => boolean, what: string, timeoutMs: number): Promise<Arrival> {
    const seen = this.#arrivals.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no message of ${what} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.#waiters.push({
        match,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  }

  /** Drops the connection without a goodbye. */
  drop(): void {
    this.#end();
  }

  #receive(bytes: Uint8Array): void {
    const message = decodeMessage(bytes) as ServerMessage;
    this.received.push(message);
    if (message.type === MessageType.Close) this.#closeCode = message.code;
    if (message.type === MessageType.Welcome) {
      this.#step = message.positionStep;
      this.#handle = message.handle;
    }
    this.#arrive({ kind: 'message', message });
    if (message.type === MessageType.Tick) this.#readTick(message);
  }

  #readTick(t: TickMessage): void {
    const step = this.#step;
    if (t.ack) {
      const ack = {
        seq: t.ack.seq,
        tick: t.tick,
        x: dequantize(t.ack.qx, step),
        y: dequantize(t.ack.qy, step),
      };
      this.acks.push(ack);
      this.#arrive({ kind: 'ack', ack });
    }
    const delta = this.#view.read(t, this.#handle, step);
    if (!t.reset && delta.entered.length + delta.moved.length + delta.left.length === 0) return;
    this.deltas.push(delta);
    this.#arrive({ kind: 'delta', delta });
  }

  #arrive(arrival: Arrival): void {
    this.#arrivals.push(arrival);
    this.#waiters = this.#waiters.filter((w) => {
      if (!w.match(arrival)) return true;
      w.resolve(arrival);
      return false;
    });
  }
}
