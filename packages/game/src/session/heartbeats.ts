/**
 * @module One sweep's heartbeats: a quiet client gets one per sweep carrying its zone's tick, and
 * every client of a zone gets the same bytes, so each zone's heartbeat is encoded once. The nonce
 * only pairs a heartbeat with its ack.
 */
import { encodeMessage, MessageType } from '@tickline/protocol';

export class SweepHeartbeats {
  readonly #nonce: number;
  readonly #serverTime: number;
  readonly #byZone = new Map<{ readonly tick: number }, Uint8Array>();

  constructor(nonce: number, serverTime: number) {
    this.#nonce = nonce;
    this.#serverTime = serverTime;
  }

  /** The encoded heartbeat of `runner`'s zone (or room) for this sweep. */
  for(runner: { readonly tick: number }): Uint8Array {
    let beat = this.#byZone.get(runner);
    if (!beat) {
      beat = encodeMessage({
        type: MessageType.Heartbeat,
        nonce: this.#nonce,
        tick: runner.tick,
        serverTime: this.#serverTime,
      });
      this.#byZone.set(runner, beat);
    }
    return beat;
  }
}
