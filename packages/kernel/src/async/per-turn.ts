/**
 * @module Calls made in one turn of the event loop, run as one. A candle close's orders check the
 * risk controls of a hundred portfolios and more at once, each through its own chain of awaits;
 * read one by one, that is a hundred statements, each a round trip (to PGlite's worker thread, or
 * over the network to PostgreSQL) and a statement's fixed cost. Batched per turn, it is one, and a
 * lone call still goes at the end of its turn, never later.
 */

/** Options of {@link perTurn}. */
export interface PerTurnOptions {
  /** Most inputs in one call of `many`; a larger batch is cut. @default 500 */
  maxBatch?: number;
}

/**
 * A function whose calls made in one turn of the event loop (until `setImmediate`: every microtask
 * of the turn runs first, so awaits that finish in the turn still join) are handed to `many`
 * together. `many` answers with one output per input, in the inputs' order; each caller gets its
 * own. Inputs reach `many` in the order they were made.
 */
export function perTurn<I, O>(
  many: (inputs: readonly I[]) => Promise<readonly O[]>,
  options: PerTurnOptions = {},
): (input: I) => Promise<O> {
  const maxBatch = options.maxBatch ?? 500;
  let queued: Array<Waiter<I, O>> = [];

  const run = (batch: Array<Waiter<I, O>>): void => {
    let answered: Promise<readonly O[]>;
    try {
      answered = many(batch.map((w) => w.input));
    } catch (error) {
      answered = Promise.reject(error);
    }
    answered.then(
      (outputs) => {
        for (let i = 0; i < batch.length; i++) batch[i]!.resolve(outputs[i]!);
      },
      (error: unknown) => {
        for (const w of batch) w.reject(error);
      },
    );
  };

  const flush = (): void => {
    const taken = queued;
    queued = [];
    for (let from = 0; from < taken.length; from += maxBatch) run(taken.slice(from, from + maxBatch));
  };

  return (input: I) =>
    new Promise<O>((resolve, reject) => {
      if (queued.push({ input, resolve, reject }) === 1) setImmediate(flush);
    });
}

interface Waiter<I, O> {
  input: I;
  resolve: (output: O) => void;
  reject: (error: unknown) => void;
}
