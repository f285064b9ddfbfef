/**
 * @module The TCP transport: `node:net`, each message in a frame with a 4-byte big-endian length
 * prefix (the protocol's {@link FrameDecoder}). An oversized frame closes the connection as soon
 * as its header arrives, before anything is buffered. A connection past the process's connection
 * budget (shared with the HTTP server) is closed as it is accepted, with GAME_SERVER_FULL.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { ConnectionBudget } from '@tickline/kernel';
import {
  encodeFrame,
  FRAME_HEADER_BYTES,
  FrameDecoder,
  GameCloseCode,
  type GameProtocolError,
} from '@tickline/protocol';
import {
  encodeClose,
  type ConnectionAcceptor,
  type GameConnection,
  type WireFraming,
} from '../session/connection.ts';
import { ignoreError, SocketConnection } from './socket-connection.ts';

/** The 4-byte big-endian length prefix, written in place. */
export const TCP_FRAMING: WireFraming = {
  headerBytes: () => FRAME_HEADER_BYTES,
  writeHeader(out, at, length) {
    out[at] = length >>> 24;
    out[at + 1] = (length >>> 16) & 0xff;
    out[at + 2] = (length >>> 8) & 0xff;
    out[at + 3] = length & 0xff;
    return at + FRAME_HEADER_BYTES;
  },
};
import { waitUntilEmpty } from './drain-sockets.ts';

/** How long a closing connection may take to flush its Close frame before it is destroyed. @default 1_000 */
export const DEFAULT_CLOSE_GRACE_MS = 1_000;

/** Options for {@link TcpTransport}. */
export interface TcpTransportOptions {
  acceptor: ConnectionAcceptor;
  /** @default '0.0.0.0' */
  host?: string;
  /** 0 picks a free port. */
  port: number;
  /** @default DEFAULT_CLOSE_GRACE_MS */
  closeGraceMs?: number;
  /**
   * The process's connections across its listeners (`http.connections.reservedFds` kept back):
   * a TCP player past it is refused, so the port cannot take the descriptors the HTTP server's
   * cap and the event log count on. @default no budget (this transport's own caps only)
   */
  budget?: ConnectionBudget | undefined;
}

/** The Close frame a connection past the budget gets, encoded once. */
const OVER_BUDGET = encodeFrame(
  encodeClose(GameCloseCode.ServerFull, 'the server keeps its remaining connections for its own work'),
);

export class TcpTransport {
  readonly #o: TcpTransportOptions;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  #port: number | undefined;

  constructor(options: TcpTransportOptions) {
    this.#o = options;
    this.#server = createServer({ noDelay: true }, (socket) => this.#accept(socket));
  }

  /** The bound port once listening. */
  get port(): number | undefined {
    return this.#port;
  }

  /** Open sockets. */
  get connections(): number {
    return this.#sockets.size;
  }

  async listen(): Promise<number> {
    const { host = '0.0.0.0', port } = this.#o;
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    this.#port = (this.#server.address() as AddressInfo).port;
    return this.#port;
  }

  /**
   * Stops accepting, lets closing sockets flush their Close frames (up to the close grace), then
   * destroys what is left. Close connections through the session layer first, so they get a reason.
   */
  async close(): Promise<void> {
    const closed = this.#server.listening
      ? new Promise<void>((resolve) => this.#server.close(() => resolve()))
      : Promise.resolve();
    for (const socket of this.#sockets) if (!socket.writableEnded) socket.end();
    await waitUntilEmpty(this.#sockets, this.#o.closeGraceMs ?? DEFAULT_CLOSE_GRACE_MS);
    for (const socket of this.#sockets) socket.destroy();
    await closed;
  }

  #accept(socket: Socket): void {
    if (this.#o.budget !== undefined && !this.#o.budget.take(socket)) {
      socket.on('error', ignoreError);
      socket.end(OVER_BUDGET);
      setTimeout(() => socket.destroy(), this.#o.closeGraceMs ?? DEFAULT_CLOSE_GRACE_MS).unref();
      return;
    }
    this.#sockets.add(socket);
    const decoder = new FrameDecoder(this.#o.acceptor.maxMessageBytes);
    const connection = new TcpConnection(socket, this.#o.closeGraceMs ?? DEFAULT_CLOSE_GRACE_MS);
    const handler = this.#o.acceptor.open(connection);
    socket.on('data', (chunk: Buffer) => {
      if (connection.closing) return;
      let frames: Uint8Array[];
      try {
        frames = decoder.push(chunk);
      } catch (error) {
        const e = error as GameProtocolError;
        handler.onProtocolError(e.code ?? 'GAME_PROTOCOL_MALFORMED', e.message);
        return;
      }
      for (const frame of frames) {
        if (connection.closing) break;
        handler.onMessage(frame);
      }
    });
    // 'close' always follows 'error'; the session layer learns of the end there.
    socket.on('error', ignoreError);
    socket.on('close', () => {
      this.#sockets.delete(socket);
      connection.closing = true;
      handler.onClose();
    });
  }
}

/** One TCP client as the session layer sees it. */
class TcpConnection extends SocketConnection implements GameConnection {
  readonly transport = 'tcp';
  readonly framing = TCP_FRAMING;

  protected get open(): boolean {
    return this.socket.writable;
  }

  send(message: Uint8Array): void {
    if (!this.closing && this.open) this.socket.write(encodeFrame(message));
  }

  get bufferedBytes(): number {
    return this.socket.writableLength;
  }

  close(_code: string, _message: string, encodedClose: Uint8Array): void {
    if (this.closing) return;
    this.closing = true;
    const socket = this.socket;
    if (this.open) socket.end(encodeFrame(encodedClose));
    socket.setTimeout(0);
    setTimeout(() => socket.destroy(), this.graceMs).unref();
  }
}
