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

  constructor(limits: Partial<CompileGateLimits> = {}) {
    this.#limits = { ...DEFAULT_COMPILE_GATE, ...limits };
  }

  /** Runs `compile` once admitted for `userId`; STRATEGY_COMPILE_BUSY when not. */
  async run<T>(userId: string, compile: () => Promise<T>): Promise<T> {
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
      return await compile();
    } finally {
      this.#inFlight--;
      const left = (this.#byUser.get(userId) ?? 1) - 1;
      if (left === 0) this.#byUser.delete(userId);
      else this.#byUser.set(userId, left);
    }
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
