/**
 * @module Reading a running source in tests: every message and status change is recorded in the
 * background, and `until` waits for the first record a predicate accepts (already seen or still
 * to come), so tests wait on events instead of sleeping.
 */
import type { MarketMessage, Trade } from '../../port/market-message.ts';
import type { MarketSource } from '../../port/market-source.ts';
import type { SourceStatusChange } from '../../port/source-status.ts';

const DEFAULT_PROBE_WAIT_MS = 5_000;

/** A growing list with a wait. */
class Recorded<T> {
  readonly items: T[] = [];
  readonly #waiters = new Set<() => void>();

  push(item: T): void {
    this.items.push(item);
    for (const w of this.#waiters) w();
  }

  /** The first item at index ≥ `from` that `match` accepts. */
  until(match: (item: T) => boolean, from = 0, timeoutMs = DEFAULT_PROBE_WAIT_MS): Promise<T> {
    return new Promise((resolve, reject) => {
      let index = from;
      const check = (): boolean => {
        for (; index < this.items.length; index++) {
          const item = this.items[index]!;
          if (match(item)) {
            resolve(item);
            return true;
          }
        }
        return false;
      };
      if (check()) return;
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new Error(`probe: nothing matched within ${timeoutMs} ms (${this.items.length} recorded)`));
      }, timeoutMs);
      const waiter = (): void => {
        if (!check()) return;
        clearTimeout(timer);
        this.#waiters.delete(waiter);
      };
      this.#waiters.add(waiter);
    });
  }
}

/** Records a source's messages and status changes. */
export class SourceProbe {
  readonly messages = new Recorded<MarketMessage>();
  readonly statuses = new Recorded<SourceStatusChange>();
  readonly #done: Promise<unknown>;

  constructor(source: MarketSource) {
    this.#done = Promise.all([
      (async () => {
        for await (const m of source.messages()) this.messages.push(m);
      })(),
      (async () => {
        for await (const s of source.status()) this.statuses.push(s);
      })(),
    ]);
  }

  /** Trades received so far. */
  trades(): Trade[] {
    return this.messages.items.flatMap((m) => (m.kind === 'trade' ? [m.trade] : []));
  }

  /** The states in order. */
  states(): string[] {
    return this.statuses.items.map((s) => s.state);
  }

  untilMessage(
    match: (m: MarketMessage) => boolean,
    from?: number,
    timeoutMs?: number,
  ): Promise<MarketMessage> {
    return this.messages.until(match, from, timeoutMs);
  }

  untilTrade(tradeId: string, timeoutMs?: number): Promise<MarketMessage> {
    return this.messages.until((m) => m.kind === 'trade' && m.trade.tradeId === tradeId, 0, timeoutMs);
  }

  untilState(state: string, from?: number, timeoutMs?: number): Promise<SourceStatusChange> {
    return this.statuses.until((s) => s.state === state, from, timeoutMs);
  }

  /** Resolves when both iterables ended (after the source stopped). */
  ended(): Promise<unknown> {
    return this.#done;
  }
}
