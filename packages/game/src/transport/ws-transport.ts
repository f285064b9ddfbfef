/**
 * @module The WebSocket transport (`ws`): one binary frame per message. It mounts on an existing
 * HTTP server at a path (`noServer` + the server's `upgrade` event, so it shares the API's port)
 * or listens on its own port. Text frames and frames over the message limit close the connection
 * with a reason; frames over twice the limit are cut off by `ws` itself (close 1009).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { claimUpgrade, isUpgradeClaimed } from '@tickline/kernel';
import type { ConnectionAcceptor, GameConnection, WireFraming } from '../session/connection.ts';
import { wsCloseCode } from './close-status.ts';
import { waitUntilEmpty } from './drain-sockets.ts';
import { ignoreError, SocketConnection } from './socket-connection.ts';
import { DEFAULT_CLOSE_GRACE_MS } from './tcp-transport.ts';
import { GAME_WS_PATH } from '../config.ts';

/**
 * A server's unmasked binary WebSocket frame header (RFC 6455 §5.2): FIN + opcode 2, then the
 * payload length in 7, 7 + 16 or 7 + 64 bits. Written in place so a tick's frames go straight to
 * the socket; `ws` writes nothing between them without compression (off here), so the stream
 * stays well-formed, and `bufferedAmount` still counts the bytes (it reads the socket's).
 */
export const WS_FRAMING: WireFraming = {
  headerBytes: (length) => (length < 126 ? 2 : length < 0x1_0000 ? 4 : 10),
  writeHeader(out, at, length) {
    out[at] = 0x82;
    if (length < 126) {
      out[at + 1] = length;
      return at + 2;
    }
    if (length < 0x1_0000) {
      out[at + 1] = 126;
      out[at + 2] = length >>> 8;
      out[at + 3] = length & 0xff;
      return at + 4;
    }
    out[at + 1] = 127;
    out.fill(0, at + 2, at + 6);
    out[at + 6] = length >>> 24;
    out[at + 7] = (length >>> 16) & 0xff;
    out[at + 8] = (length >>> 8) & 0xff;
    out[at + 9] = length & 0xff;
    return at + 10;
  },
};

/** The default path of the game WebSocket endpoint. */
export const DEFAULT_GAME_WS_PATH = GAME_WS_PATH;

/** Options for {@link WsTransport}. */
export interface WsTransportOptions {
  acceptor: ConnectionAcceptor;
  /** @default DEFAULT_GAME_WS_PATH */
  path?: string;
  /** @default DEFAULT_CLOSE_GRACE_MS */
  closeGraceMs?: number;
}

function destroySocket(this: Duplex): void {
  this.destroy();
}

export class WsTransport {
  readonly path: string;
  readonly #o: WsTransportOptions;
  readonly #wss: WebSocketServer;
  readonly #sockets = new Set<WebSocket>();
  #own: Server | undefined;

  constructor(options: WsTransportOptions) {
    this.#o = options;
    this.path = options.path ?? DEFAULT_GAME_WS_PATH;
    this.#wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      perMessageDeflate: false,
      // Room to read a slightly oversized message and close with our own reason.
      maxPayload: 2 * options.acceptor.maxMessageBytes,
    });
  }

  get connections(): number {
    return this.#sockets.size;
  }

  /** Routes `upgrade` requests for the path on `server` here; other paths are left to other listeners. */
  attach(server: Server): () => void {
    const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
      const url = request.url ?? '/';
      const at = url.indexOf('?');
      if ((at === -1 ? url : url.slice(0, at)) === this.path) {
        claimUpgrade(request);
        this.handleUpgrade(request, socket, head);
      } else if (server.listenerCount('upgrade') === 1 && !isUpgradeClaimed(request))
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
    };
    server.on('upgrade', onUpgrade);
    return () => server.off('upgrade', onUpgrade);
  }

  /** Listens on its own HTTP server (standalone mode). Returns the bound port. */
  async listen(port: number, host = '0.0.0.0'): Promise<number> {
    const server = (this.#own = createServer((_request, response) => {
      response.writeHead(426, { connection: 'close' }).end();
    }));
    this.attach(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    return (server.address() as AddressInfo).port;
  }

  /** Completes a WebSocket upgrade for a request already routed to the path. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    // A named function, not an arrow: an arrow here would share this call's context with the
    // callback below and keep `request` (with its headers) and `head` alive for the socket's life.
    socket.on('error', destroySocket);
    this.#wss.handleUpgrade(request, socket, head, (ws) => this.#accept(ws, socket as Socket));
  }

  /** Lets closing sockets finish (up to the close grace), terminates the rest, stops the standalone server. */
  async close(): Promise<void> {
    for (const ws of this.#sockets) if (ws.readyState === ws.OPEN) ws.close(1001, 'GAME_SERVER_SHUTDOWN');
    await waitUntilEmpty(this.#sockets, this.#o.closeGraceMs ?? DEFAULT_CLOSE_GRACE_MS);
    for (const ws of this.#sockets) ws.terminate();
    const own = this.#own;
    if (own?.listening) await new Promise<void>((resolve) => own.close(() => resolve()));
  }

  #accept(ws: WebSocket, socket: Socket): void {
    this.#sockets.add(ws);
    const maxBytes = this.#o.acceptor.maxMessageBytes;
    const connection = new WsConnection(ws, socket, this.#o.closeGraceMs ?? DEFAULT_CLOSE_GRACE_MS);
    const handler = this.#o.acceptor.open(connection);
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (connection.closing) return;
      if (!isBinary)
        return handler.onProtocolError('GAME_PROTOCOL_MALFORMED', 'text frames are not accepted');
      if (data.length > maxBytes)
        return handler.onProtocolError(
          'GAME_PROTOCOL_TOO_LARGE',
          `message of ${data.length} bytes exceeds ${maxBytes}`,
        );
      handler.onMessage(data);
    });
    // `ws` closes the socket itself after an error (e.g. 1009 for a frame over maxPayload).
    ws.on('error', ignoreError);
    ws.on('close', () => {
      this.#sockets.delete(ws);
      connection.closing = true;
      handler.onClose();
    });
  }
}

/** One WebSocket client as the session layer sees it. */
class WsConnection extends SocketConnection implements GameConnection {
  readonly transport = 'ws';
  readonly framing = WS_FRAMING;
  readonly #ws: WebSocket;

  constructor(ws: WebSocket, socket: Socket, graceMs: number) {
    super(socket, graceMs);
    this.#ws = ws;
  }

  protected get open(): boolean {
    return this.#ws.readyState === this.#ws.OPEN;
  }

  send(message: Uint8Array): void {
    if (!this.closing && this.open) this.#ws.send(message, { binary: true });
  }

  get bufferedBytes(): number {
    return this.#ws.bufferedAmount;
  }

  close(code: string, _message: string, encodedClose: Uint8Array): void {
    if (this.closing) return;
    this.closing = true;
    const ws = this.#ws;
    if (this.open) {
      ws.send(encodedClose, { binary: true });
      ws.close(wsCloseCode(code), code);
    }
    setTimeout(() => ws.terminate(), this.graceMs).unref();
  }
}
