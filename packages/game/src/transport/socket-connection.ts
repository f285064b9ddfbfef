/**
 * @module What the TCP and WebSocket transports' connections share. A connection is a class, so a
 * player costs one object with its fields: the object literal each transport built before held
 * nine closures, their shared context and (for its getter) a dictionary-mode property store —
 * ~1.4 KB per player in a heap snapshot of `bench:game`, about a quarter of a connected player's
 * live memory.
 */
import type { Socket } from 'node:net';

/** An `error` listener that only keeps Node from throwing: the `close` that follows ends the connection. */
export function ignoreError(): void {}

export abstract class SocketConnection {
  readonly remote: string;
  readonly address: string;
  /** Set once a close began (ours or the peer's): nothing more is sent or handled. */
  closing = false;
  protected readonly socket: Socket;
  protected readonly graceMs: number;

  constructor(socket: Socket, graceMs: number) {
    this.socket = socket;
    this.graceMs = graceMs;
    this.remote = `${socket.remoteAddress}:${socket.remotePort}`;
    this.address = socket.remoteAddress ?? 'unknown';
  }

  /** The transport can still take bytes. */
  protected abstract get open(): boolean;

  sendFramed(framed: Uint8Array): void {
    if (!this.closing && this.open) this.socket.write(framed);
  }

  cork(): void {
    this.socket.cork();
  }

  uncork(): void {
    this.socket.uncork();
  }
}
