/**
 * @module The dedupe hook of the consumer runner: which event ids were already processed. The
 * in-memory default only covers redeliveries within its capacity and process lifetime; a store
 * that records ids in the same transaction as the handler's writes (the SQL store) makes a
 * consumer exactly-once in effect across restarts and replays.
 */

/** Remembers processed event ids. */
export interface DedupeStore {
  /** Which of `ids` have NOT been processed yet. */
  unseen(ids: readonly string[]): Promise<Set<string>>;
  /** Records `ids` as processed. */
  remember(ids: readonly string[]): Promise<void>;
}

/** Ids the in-memory store keeps before forgetting the oldest. */
export const DEFAULT_DEDUPE_CAPACITY = 100_000;

/** Options for {@link createMemoryDedupeStore}. */
export interface MemoryDedupeStoreOptions {
  /** Most recent ids kept. @default 100_000 */
  capacity?: number;
}

/** A bounded set of the most recently processed ids (insertion order; oldest evicted first). */
export function createMemoryDedupeStore(options: MemoryDedupeStoreOptions = {}): DedupeStore {
  const capacity = options.capacity ?? DEFAULT_DEDUPE_CAPACITY;
  const seen = new Set<string>();
  return {
    async unseen(ids) {
      return new Set(ids.filter((id) => !seen.has(id)));
    },
    async remember(ids) {
      for (const id of ids) {
        seen.delete(id); // re-inserting moves it to the young end
        seen.add(id);
      }
      // A Set iterates in insertion order, so the first entries are the oldest.
      for (const id of seen) {
        if (seen.size <= capacity) break;
        seen.delete(id);
      }
    },
  };
}
