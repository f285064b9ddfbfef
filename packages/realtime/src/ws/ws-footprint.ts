/**
 * @module What an open `ws` WebSocket holds beyond its need, let go of (issue 50: memory per idle
 * connection). Both helpers touch fields of `ws` and of Node's EventEmitter that are not public
 * API; each leaves the object as it would be had it been made that way.
 */
import type { EventEmitter } from 'node:events';
import type { WebSocket } from 'ws';

/**
 * Lets go of the last client frame's mask, which `ws`'s Receiver keeps until the next frame: a
 * 4-byte view into the socket read that carried it, holding that read's whole buffer for the
 * connection's life (~0.2 KB per idle WebSocket). Call it from 'message' and 'pong' listeners:
 * the frame is done with its mask when the event fires, and the next masked frame reads its own
 * before its payload.
 */
export function dropFrameMask(ws: WebSocket): void {
  const receiver = (ws as unknown as { _receiver?: { _mask?: Buffer | undefined } | null })._receiver;
  if (receiver) receiver._mask = undefined;
}

/**
 * Moves an emitter's listeners into an object with fast properties. EventEmitter keeps them in
 * a null-prototype object, which V8 holds as a hash table (~0.3 KB on every WebSocket); Node's
 * own streams start from a plain object literal instead (events.on() and emit() only read the
 * names they are given), which is what this makes. Call it once its usual listeners are on.
 */
export function compactListenerTable(emitter: EventEmitter): void {
  const held = emitter as unknown as { _events: Record<string | symbol, unknown> };
  const events = held._events;
  const fast: Record<string | symbol, unknown> = {
    message: undefined,
    pong: undefined,
    close: undefined,
    error: undefined,
  };
  for (const name of Reflect.ownKeys(events)) fast[name] = events[name];
  held._events = fast;
}
