/**
 * @module A minimal game client for tests, over TCP or WebSocket: sends messages, collects what
 * arrives, and awaits a message of a type or the close (with the server's Close reason).
 */
import { connect, type Socket } from 'node:net';
import { WebSocket } from 'ws';
import {
  decodeMessage,
  encodeFrame,
  encodeMessage,
  FrameDecoder,
  MessageType,
  type ClientMessage,
  type ServerMessage,
} from '@tickline/protocol';

type Of<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;

/** How a test client ended: the Close message's code (if one came) and the WebSocket close code. */
export interface ClientEnd {
  code: string | undefined;
  wsCode?: number;
}

export class TestGameClient {
  readonly received: ServerMessage[] = [];
  readonly ended: Promise<ClientEnd>;
  #waiters: Array<{ match: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void }> = [];
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
    await new Promise<void>((resolve, reject) => ws.once('open', resolve).once('error', reject));
    ws.on('error', () => {});
    const client = new TestGameClient(
      (bytes) => ws.send(bytes),
      () => ws.terminate(),
      (done) => ws.once('close', (code: number) => done(code)),
    );
    ws.on('message', (data: Buffer) => client.#receive(data));
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
    const match = (m: ServerMessage): boolean => m.type === type && where(m as Of<T>);
    return this.#first(match, `type ${type}`, timeoutMs) as Promise<Of<T>>;
  }

  /** Like {@link next} for interest deltas: a viewer's own (`Delta`) or its view group's (`SharedDelta`). */
  nextDelta(
    where: (m: Of<typeof MessageType.Delta> | Of<typeof MessageType.SharedDelta>) => boolean = () => true,
    timeoutMs = 3000,
  ): Promise<Of<typeof MessageType.Delta> | Of<typeof MessageType.SharedDelta>> {
    const match = (m: ServerMessage): boolean =>
      (m.type === MessageType.Delta || m.type === MessageType.SharedDelta) && where(m);
    return this.#first(match, 'delta', timeoutMs) as Promise<Of<typeof MessageType.Delta>>;
  }

  #first(match: (m: ServerMessage) => boolean, what: string, timeoutMs: number): Promise<ServerMessage> {
    const seen = this.received.find(match);
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
    this.#waiters = this.#waiters.filter((w) => {
      if (!w.match(message)) return true;
      w.resolve(message);
      return false;
    });
  }
}
