/**
 * @module The byte pipe under a {@link GameClient}: a connector opens one connection to a URL and
 * reports whole messages (WebSocket binary frames, or TCP length-prefixed frames) as bytes.
 */

/** An open (or opening) connection. */
export interface GameSocket {
  /** Sends one message; dropped silently when the connection is not open. */
  send(bytes: Uint8Array): void;
  close(): void;
}

/** Callbacks of one connection; `closed` fires exactly once, also when opening failed. */
export interface GameSocketHandlers {
  opened(): void;
  message(bytes: Uint8Array): void;
  closed(reason: { code: number; reason: string }): void;
}

/** Opens a connection to `url` (e.g. `ws://host:port/game` or `tcp://host:port`). */
export type GameConnector = (url: string, handlers: GameSocketHandlers) => GameSocket;

/** The part of the standard WebSocket a game connection uses. */
export interface BinaryWebSocketLike {
  binaryType: string;
  readonly readyState: number;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'error', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: (event: { code: number; reason: string }) => void): void;
}

export type BinaryWebSocketConstructor = new (url: string) => BinaryWebSocketLike;

const OPEN = 1;
/** Close code when the page or process simply hangs up. */
const NORMAL_CLOSURE = 1000;

/**
 * A connector over the standard `WebSocket` (browsers and Node 22+), binary frames only.
 * @param WebSocketImpl @default globalThis.WebSocket
 */
export function createWsConnector(WebSocketImpl?: BinaryWebSocketConstructor): GameConnector {
  return function connectWs(url, handlers) {
    const Impl = WebSocketImpl ?? (globalThis as { WebSocket?: BinaryWebSocketConstructor }).WebSocket;
    if (!Impl) throw new TypeError('no WebSocket implementation: pass one to createWsConnector');
    const ws = new Impl(url);
    ws.binaryType = 'arraybuffer';
    ws.addEventListener('open', () => handlers.opened());
    ws.addEventListener('message', ({ data }) => {
      if (data instanceof ArrayBuffer) handlers.message(new Uint8Array(data));
      else if (ArrayBuffer.isView(data))
        handlers.message(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      // Text frames are not part of the game protocol: ignored.
    });
    ws.addEventListener('close', ({ code, reason }) => handlers.closed({ code, reason }));
    // 'error' is always followed by 'close', which reports.
    ws.addEventListener('error', () => {});
    return {
      send(bytes) {
        if (ws.readyState === OPEN) ws.send(bytes);
      },
      close() {
        ws.close(NORMAL_CLOSURE);
      },
    };
  };
}
