/**
 * @module Admission of compiles to the compile pool: at most `perUser` per account and
 * `maxInFlight` in all, running or waiting. Past either, a compile is refused at once with
 * STRATEGY_COMPILE_BUSY (429, Retry-After) instead of queueing: twenty parallel compiles of a busy
 * loop from one account once queued in front of everyone else's saves.
 *
 * Shares are fair: an account's first compile is admitted while any slot is free, but each one it
 * already holds takes `maxInFlight / perUser` slots off what it may still fill — with the defaults
 * (2 and 8) a second compile only while fewer than 4 are in flight. Four free accounts with two
 * busy loops each filled all 8 slots, and a fifth account's save was refused 11 times in 12.
 *
 * Admitted compiles go to the shared compile processes (`slots` of them) account by account, the
 * account served longest ago first: admitted behind busy loops, a save used to wait for all of
 * them (the twelfth took 79 s); now it waits for one per process at most. A
 * compile that runs on a process of its own (an account in quarantine) takes no shared slot.
 */
import { TicklineError } from '@tickline/kernel';
import '../module/strategy-api-errors.ts';

export interface CompileGateLimits {
  /** Compiles one account may have running or waiting. @default 2 */
  perUser: number;
  /** Compiles running or waiting, all accounts together. @default 8 */
  maxInFlight: number;
}

export const DEFAULT_COMPILE_GATE: Readonly<CompileGateLimits> = Object.freeze({
  perUser: 2,
  maxInFlight: 8,
});

/** When to come back: a compile takes well under a second on an idle machine. */
const RETRY_AFTER_SECONDS = 1;

export class CompileGate {
  readonly #limits: CompileGateLimits;
  readonly #byUser = new Map<string, number>();
  #inFlight = 0;
  /** Shared compile processes, and how many of them run a compile of this gate. */
  readonly #slots: number;
  #running = 0;
  /** Admitted compiles waiting for a slot, per account, accounts in the order they began waiting. */
  readonly #waiting = new Map<string, Array<() => void>>();
  /** When each account holding compiles last got a slot (a count of slots given); kept while it holds any. */
  readonly #lastServed = new Map<string, number>();
  #served = 0;

  constructor(limits: Partial<CompileGateLimits> = {}, slots = 1) {
    this.#limits = { ...DEFAULT_COMPILE_GATE, ...limits };
    this.#slots = Math.max(1, slots);
  }

  /**
   * Runs `compile` once admitted for `userId` and its turn came; STRATEGY_COMPILE_BUSY when not
   * admitted. `shared: false`: it runs on a process of its own, so it waits for no turn.
   */
  async run<T>(userId: string, compile: () => Promise<T>, shared = true): Promise<T> {
    const mine = this.#byUser.get(userId) ?? 0;
    const { perUser, maxInFlight } = this.#limits;
    if (mine >= perUser) throw busy('account', perUser);
    if (this.#inFlight >= maxInFlight) throw busy('server', maxInFlight);
    // What this account holds already is kept free for accounts that hold none.
    if (this.#inFlight >= maxInFlight - Math.ceil((mine * maxInFlight) / perUser))
      throw busy('account', mine);
    this.#byUser.set(userId, mine + 1);
    this.#inFlight++;
    try {
      if (!shared) return await compile();
      await this.#turn(userId);
      try {
        return await compile();
      } finally {
        this.#running--;
        this.#next();
      }
    } finally {
      this.#inFlight--;
      const left = (this.#byUser.get(userId) ?? 1) - 1;
      if (left === 0) {
        this.#byUser.delete(userId);
        this.#lastServed.delete(userId);
      } else this.#byUser.set(userId, left);
    }
  }

  /** Compiles admitted (running or waiting), and those waiting for a shared slot. */
  stats(): { inFlight: number; waiting: number } {
    let waiting = 0;
    for (const queue of this.#waiting.values()) waiting += queue.length;
    return { inFlight: this.#inFlight, waiting };
  }

  /** Resolves when a shared slot is this compile's: at once while one is free and nobody waits. */
  #turn(userId: string): Promise<void> {
    if (this.#running < this.#slots && this.#waiting.size === 0) {
      this.#serve(userId);
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const queue = this.#waiting.get(userId);
      if (queue) queue.push(resolve);
      else this.#waiting.set(userId, [resolve]);
    });
  }

  /**
   * Gives free slots to waiting accounts, the one served longest ago first (never: first of all;
   * ties in the order they began waiting), one compile at a time.
   */
  #next(): void {
    while (this.#running < this.#slots && this.#waiting.size > 0) {
      let pick: string | undefined;
      for (const userId of this.#waiting.keys())
        if (pick === undefined || this.#servedAt(userId) < this.#servedAt(pick)) pick = userId;
      const queue = this.#waiting.get(pick!)!;
      const resolve = queue.shift()!;
      if (queue.length === 0) this.#waiting.delete(pick!);
      this.#serve(pick!);
      resolve();
    }
  }

  #servedAt(userId: string): number {
    return this.#lastServed.get(userId) ?? -1;
  }

  #serve(userId: string): void {
    this.#running++;
    this.#lastServed.set(userId, this.#served++);
  }
}

function busy(scope: 'account' | 'server', limit: number): TicklineError {
  const whose = scope === 'account' ? 'this account has' : 'the server has';
  return new TicklineError(
    'STRATEGY_COMPILE_BUSY',
    `${whose} ${limit} compiles running or waiting; try again in ${RETRY_AFTER_SECONDS} s`,
    { details: { scope, limit, retryAfterSeconds: RETRY_AFTER_SECONDS } },
  );
}
