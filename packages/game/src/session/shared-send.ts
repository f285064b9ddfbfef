/**
 * @module Sending one connection a shared message (a rules room's frame, encoded and framed once a
 * tick for every player who sees it) with the player's own message behind it (its ack), in one
 * socket write. Two ways, by size: a small shared message is copied into one buffer with the other
 * (one plain write; corked, the two went out as a writev per player, whose path cost ~4× a plain
 * write's in a profile); a large one is not copied per player but corked with the other. Copying a
 * crowd's 12 KB frame for each of 500 players a tick took the bench's one-room tick p99 from
 * 35–48 ms to 97–219 ms.
 */
import type { SharedMessage } from './connection.ts';
import type { Link } from './session-state.ts';

/**
 * A shared message at most this long is copied into one buffer with the message behind it. Node's
 * buffer pool serves allocations under 4 KiB; past it each copy is a buffer of its own.
 */
export const COPY_SHARED_BYTES = 2048;

/**
 * Sends `shared`, then `after` (an encoded message) when given, on `link` through `send` (the
 * session layer's write: `framed` bytes are already behind the transport's header).
 */
export function sendShared(
  link: Link,
  shared: SharedMessage,
  after: Uint8Array | undefined,
  send: (link: Link, bytes: Uint8Array, framed: boolean) => void,
): void {
  const connection = link.connection;
  const framing = connection.sendFramed ? connection.framing : undefined;
  if (framing && after === undefined) return send(link, shared.framedFor(framing), true);
  if (framing && shared.bytes.length <= COPY_SHARED_BYTES)
    return send(link, shared.framedWith(framing, after!), true);
  connection.cork?.();
  send(link, framing ? shared.framedFor(framing) : shared.bytes, framing !== undefined);
  if (after !== undefined) send(link, after, false);
  connection.uncork?.();
}
