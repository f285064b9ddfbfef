/** @module What `ws` keeps of a client's frames after it handed them over. */
import type { WebSocket } from 'ws';

/**
 * Lets go of the last client frame's mask, which `ws`'s Receiver keeps until the next frame: a
 * 4-byte view into the socket read that carried it, holding that read's whole buffer for the
 * connection's life (~0.2 KB per idle WebSocket, issue 50). Call it from 'message' and 'pong'
 * listeners: the frame is done with its mask when the event fires, and the next masked frame
 * reads its own before its payload.
 */
export function dropFrameMask(ws: WebSocket): void {
  const receiver = (ws as unknown as { _receiver?: { _mask?: Buffer | undefined } | null })._receiver;
  if (receiver) receiver._mask = undefined;
}
