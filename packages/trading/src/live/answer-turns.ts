/**
 * @module Keeps the event loop turning while the live runner takes thousands of step answers in a
 * row (a wave over many runs): after each stretch of YIELD_EVERY_MS it waits one `setImmediate`, so
 * timers, sockets and the desk's I/O are not starved. One wait is shared by every chain waiting.
 */

/** Longest stretch of taking step answers before the event loop gets a turn. */
const YIELD_EVERY_MS = 5;

/** See the module comment. */
export class AnswerTurns {
  /** When the event loop last had a turn while answers were taken. */
  #turn = 0;
  #yielding: Promise<void> | undefined;

  /** A wave starts taking answers now. */
  start(): void {
    this.#turn = performance.now();
  }

  /** Waits for a turn of the event loop when the stretch since the last one is over. */
  async breathe(): Promise<void> {
    while (performance.now() - this.#turn > YIELD_EVERY_MS)
      await (this.#yielding ??= new Promise<void>((resolve) =>
        setImmediate(() => {
          this.#yielding = undefined;
          this.#turn = performance.now();
          resolve();
        }),
      ));
  }
}
