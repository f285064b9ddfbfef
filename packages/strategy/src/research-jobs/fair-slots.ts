/**
 * @module Trial slots shared by every running research job, granted account by account: a free
 * slot goes to the waiting account with the fewest trials in flight and, among those, the one
 * served longest ago (a newcomer first). Two accounts' huge jobs then take turns with a third account's small one instead of
 * holding the sandbox processes until they end (issue 46 finding 6).
 */
import { TicklineError } from '@tickline/kernel';

interface Waiter {
  grant: (release: () => void) => void;
  reject: (error: unknown) => void;
}

export class FairSlots {
  #free: number;
  readonly #waiting = new Map<string, Waiter[]>();
  readonly #inFlight = new Map<string, number>();
  /** When each account with trials waiting or in flight was last served (a grant counter). */
  readonly #served = new Map<string, number>();
  #grants = 0;

  constructor(slots: number) {
    this.#free = Math.max(1, slots);
  }

  /** Trials of `account` in flight now. */
  inFlight(account: string): number {
    return this.#inFlight.get(account) ?? 0;
  }

  /** Trials of `account` waiting for a slot now. */
  waiting(account: string): number {
    return this.#waiting.get(account)?.length ?? 0;
  }

  /** Resolves with a release function once `account` holds a slot; rejects when `signal` aborts first. */
  acquire(account: string, signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(cancelled(signal));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        grant: (release) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(release);
        },
        reject,
      };
      const onAbort = (): void => {
        const queue = this.#waiting.get(account);
        const at = queue?.indexOf(waiter) ?? -1;
        if (at < 0) return;
        queue!.splice(at, 1);
        if (queue!.length === 0) this.#waiting.delete(account);
        this.#forget(account);
        reject(cancelled(signal!));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const queue = this.#waiting.get(account);
      if (queue) queue.push(waiter);
      else this.#waiting.set(account, [waiter]);
      this.#grant();
    });
  }

  #grant(): void {
    while (this.#free > 0 && this.#waiting.size > 0) {
      let pick: string | undefined;
      let least = Infinity;
      let longestAgo = Infinity;
      for (const account of this.#waiting.keys()) {
        const n = this.inFlight(account);
        const served = this.#served.get(account) ?? -1;
        if (n < least || (n === least && served < longestAgo)) {
          least = n;
          longestAgo = served;
          pick = account;
        }
      }
      const account = pick!;
      const queue = this.#waiting.get(account)!;
      const waiter = queue.shift()!;
      if (queue.length === 0) this.#waiting.delete(account);
      this.#served.set(account, this.#grants++);
      this.#free--;
      this.#inFlight.set(account, least + 1);
      let released = false;
      waiter.grant(() => {
        if (released) return;
        released = true;
        this.#free++;
        const n = this.inFlight(account) - 1;
        if (n > 0) this.#inFlight.set(account, n);
        else this.#inFlight.delete(account);
        this.#forget(account);
        this.#grant();
      });
    }
  }

  /** An account with nothing waiting or in flight is kept no more. */
  #forget(account: string): void {
    if (!this.#waiting.has(account) && !this.#inFlight.has(account)) this.#served.delete(account);
  }
}

function cancelled(signal: AbortSignal): unknown {
  return signal.reason instanceof TicklineError
    ? signal.reason
    : new TicklineError('STRATEGY_RUN_CANCELLED', 'the research run was cancelled');
}
