/**
 * @module The answers of one wave (a candle close's steps of many runs), taken as they come: each
 * portfolio has a lane, so one portfolio's runs are acted on in the order they were asked (its
 * risk checks see each other's orders) while portfolios go side by side. An answer that places
 * nothing is taken at once, in the callback that brought it — no promise per run; one whose orders
 * go to the desk holds its lane until they are placed. A module of its own because this is the
 * scheduling of a wave, apart from what acting on an answer means (live-runner.ts).
 */

/** Acts on an answer: undefined when done at once, else the promise of its orders. */
export type TakeAnswer<A> = (answer: A) => Promise<void> | undefined;

interface Asked<A> {
  next: Asked<A> | undefined;
  answered: boolean;
  answer: A | undefined;
}

interface Lane<A> {
  head: Asked<A> | undefined;
  tail: Asked<A> | undefined;
  busy: boolean;
}

/** See the module comment. One per wave. */
export class WaveLanes<A> {
  readonly #take: TakeAnswer<A>;
  readonly #lanes = new Map<string, Lane<A>>();
  #waiting = 0;
  #closed = false;
  #failure: { error: unknown } | undefined;
  #finish: (() => void) | undefined;

  constructor(take: TakeAnswer<A>) {
    this.#take = take;
  }

  /** Reserves the next place in `lane`; call the returned function with the answer, once. */
  ask(lane: string): (answer: A) => void {
    let l = this.#lanes.get(lane);
    if (l === undefined) this.#lanes.set(lane, (l = { head: undefined, tail: undefined, busy: false }));
    const asked: Asked<A> = { next: undefined, answered: false, answer: undefined };
    if (l.tail === undefined) l.head = asked;
    else l.tail.next = asked;
    l.tail = asked;
    this.#waiting++;
    const owner = l;
    return (answer) => {
      asked.answered = true;
      asked.answer = answer;
      this.#drain(owner);
    };
  }

  /** Resolves when every answer asked for was taken; rejects with the first failure to act. */
  done(): Promise<void> {
    this.#closed = true;
    return new Promise<void>((resolve, reject) => {
      this.#finish = () => (this.#failure === undefined ? resolve() : reject(this.#failure.error));
      if (this.#waiting === 0) this.#finish();
    });
  }

  #drain(lane: Lane<A>): void {
    while (!lane.busy && lane.head?.answered === true) {
      const asked = lane.head;
      lane.head = asked.next;
      if (lane.head === undefined) lane.tail = undefined;
      let acting: Promise<void> | undefined;
      try {
        acting = this.#take(asked.answer as A);
      } catch (error) {
        this.#fail(error);
      }
      if (acting === undefined) {
        this.#settled();
        continue;
      }
      lane.busy = true;
      acting.then(
        () => this.#next(lane),
        (error: unknown) => {
          this.#fail(error);
          this.#next(lane);
        },
      );
      return;
    }
  }

  #next(lane: Lane<A>): void {
    lane.busy = false;
    this.#settled();
    this.#drain(lane);
  }

  #fail(error: unknown): void {
    this.#failure ??= { error };
  }

  #settled(): void {
    if (--this.#waiting === 0 && this.#closed) this.#finish?.();
  }
}
