/**
 * @module Admission of enables and resumes of live runs: one in flight per account, and at most
 * `perMinute` admitted per account in any minute. Each loads the strategy's module in its owner's
 * live sandbox process and holds that process for the load: twelve parallel enables of a spinning
 * `init` from one free account held every live run of the process for 120 s, and at the free rate
 * limit one account kept the freeze up (issue 45). A second enable while one loads is refused at
 * once (STRATEGY_LIVE_ENABLE_BUSY, 429, as a busy compile is), one past the rate with STRATEGY_LIVE_ENABLE_RATE (429);
 * both carry `retryAfterSeconds` (the gateway's `Retry-After`).
 */
import { TicklineError } from '@tickline/kernel';

export interface EnableGateLimits {
  /** Enables and resumes one account may start in any 60 s. @default 6 */
  perMinute: number;
}

export const DEFAULT_ENABLE_GATE: Readonly<EnableGateLimits> = Object.freeze({ perMinute: 6 });

const WINDOW_MS = 60_000;
/** When to try again after a refusal for one in flight: an honest load takes well under a second. */
const BUSY_RETRY_SECONDS = 1;
/** Accounts remembered at most; the oldest is forgotten first (memory stays bounded). */
const MAX_ACCOUNTS = 10_000;

/** See the module comment. */
export class EnableGate {
  readonly #limits: EnableGateLimits;
  readonly #now: () => number;
  readonly #inFlight = new Set<string>();
  /** Admission times within the window, per account, oldest account first. */
  readonly #admitted = new Map<string, number[]>();

  constructor(limits: Partial<EnableGateLimits> = {}, now: () => number = Date.now) {
    this.#limits = { ...DEFAULT_ENABLE_GATE, ...limits };
    this.#now = now;
  }

  /** Runs `action` (an enable or a resume of `userId`'s) once admitted; refused with a code when not. */
  async run<T>(userId: string, what: 'enable' | 'resume', action: () => Promise<T>): Promise<T> {
    if (this.#inFlight.has(userId))
      throw new TicklineError(
        'STRATEGY_LIVE_ENABLE_BUSY',
        `another enable or resume of this account is loading; try again in ${BUSY_RETRY_SECONDS} s`,
        { details: { what, retryAfterSeconds: BUSY_RETRY_SECONDS } },
      );
    const now = this.#now();
    const recent = (this.#admitted.get(userId) ?? []).filter((t) => t > now - WINDOW_MS);
    if (recent.length >= this.#limits.perMinute) {
      const retryAfterSeconds = Math.max(1, Math.ceil((recent[0]! + WINDOW_MS - now) / 1_000));
      throw new TicklineError(
        'STRATEGY_LIVE_ENABLE_RATE',
        `this account enabled or resumed ${recent.length} live runs in the last minute (limit ${this.#limits.perMinute}); try again in ${retryAfterSeconds} s`,
        { details: { what, limit: this.#limits.perMinute, retryAfterSeconds } },
      );
    }
    recent.push(now);
    this.#admitted.delete(userId);
    this.#admitted.set(userId, recent);
    if (this.#admitted.size > MAX_ACCOUNTS) this.#admitted.delete(this.#admitted.keys().next().value!);
    this.#inFlight.add(userId);
    try {
      return await action();
    } finally {
      this.#inFlight.delete(userId);
    }
  }
}

/**
 * One gate per runner: REST's routes and GraphQL's resolvers build their actions apart, and the
 * limit is the account's, whichever asks.
 */
const gates = new WeakMap<object, EnableGate>();

/** The gate of `runner`, made with `limits` the first time. */
export function enableGateOf(runner: object, limits?: Partial<EnableGateLimits>): EnableGate {
  let gate = gates.get(runner);
  if (gate === undefined) gates.set(runner, (gate = new EnableGate(limits)));
  return gate;
}
