/**
 * @module What the session layer needs from a transport (TCP or WebSocket): send one encoded
 * message, tell how much is still buffered, close with a reason — and what it gives back: a
 * handler for the connection's messages and its end.
 */
import { encodeMessage, MessageType } from '@tickline/protocol';

/**
 * A transport's own framing (the TCP length prefix, the WebSocket frame header), so a caller that
 * builds many messages in one buffer can leave room for it and the transport writes each with one
 * socket write, no copy and no per-message framing work.
 */
export interface WireFraming {
  /** Bytes of the header in front of a payload of `length` bytes. */
  headerBytes(length: number): number;
  /** Writes that header at `at` of `out`; returns where the payload starts. */
  writeHeader(out: Uint8Array, at: number, length: number): number;
}

/** `bytes` behind `framing`'s header, in one new buffer. */
export function frame(framing: WireFraming, bytes: Uint8Array): Uint8Array {
  const out = Buffer.allocUnsafe(framing.headerBytes(bytes.length) + bytes.length);
  const at = framing.writeHeader(out, 0, bytes.length);
  out.set(bytes, at);
  return out;
}

/**
 * One encoded message for many connections (a rules room's frame to every player who sees the
 * same and has no ack this tick): framed once per transport framing, not copied per connection.
 */
export class SharedMessage {
  readonly bytes: Uint8Array;
  readonly #framed = new Map<WireFraming, Uint8Array>();

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }

  /** The message behind `framing`'s header (one buffer per framing, shared by its connections). */
  framedFor(framing: WireFraming): Uint8Array {
    let out = this.#framed.get(framing);
    if (out === undefined) this.#framed.set(framing, (out = frame(framing, this.bytes)));
    return out;
  }

  /**
   * The shared message, then `after` (one connection's own message), both framed, in one new
   * buffer: one socket write for the two, at the cost of copying the shared one.
   */
  framedWith(framing: WireFraming, after: Uint8Array): Uint8Array {
    const head = this.framedFor(framing);
    const out = Buffer.allocUnsafe(head.length + framing.headerBytes(after.length) + after.length);
    out.set(head, 0);
    out.set(after, framing.writeHeader(out, head.length, after.length));
    return out;
  }
}

/** The close message for `code`: its text cut to 200 characters, or left out if it cannot be encoded. */
export function encodeClose(code: string, message: string): Uint8Array {
  try {
    return encodeMessage({ type: MessageType.Close, code, message: message.slice(0, 200) });
  } catch {
    return encodeMessage({ type: MessageType.Close, code, message: '' });
  }
}

/** One client connection, as a transport presents it. */
export interface GameConnection {
  readonly transport: 'tcp' | 'ws';
  /** The peer's address and port, for logs. */
  readonly remote: string;
  /** The peer's IP address: connections are capped per address. */
  readonly address: string;
  /** Sends one encoded message (the transport frames it). Never throws; a dead socket drops it. */
  send(message: Uint8Array): void;
  /** Bytes accepted by `send` and not yet handed to the kernel. */
  readonly bufferedBytes: number;
  /**
   * Sends a Close message with `code` when the socket can still take it, then closes; a socket
   * that does not finish closing within the transport's grace is destroyed. Idempotent.
   */
  close(code: string, message: string, encodedClose: Uint8Array): void;
  /** The transport's framing, when it can take pre-framed messages (with {@link sendFramed}). */
  readonly framing?: WireFraming;
  /** Sends a message already framed with {@link framing} (header, then payload). */
  sendFramed?(framed: Uint8Array): void;
  /** Batch the writes of one tick into fewer syscalls (optional). */
  cork?(): void;
  uncork?(): void;
}

/** What the session layer returns for a new connection; the transport calls it. */
export interface ConnectionHandler {
  /** One complete message (a frame's payload). */
  onMessage(bytes: Uint8Array): void;
  /** A framing error the transport detected (oversized frame): closes with its code. */
  onProtocolError(code: string, message: string): void;
  /** The socket is closed (for whatever reason). Called once. */
  onClose(): void;
}

/** The session layer as transports see it. */
export interface ConnectionAcceptor {
  /** Largest message accepted; transports size their frame limits from it. */
  readonly maxMessageBytes: number;
  open(connection: GameConnection): ConnectionHandler;
}
