/**
 * @module The dedupe hook of the consumer runner: which event ids were already processed. The
 * in-memory default only covers redeliveries within its capacity and process lifetime; a store
 * that records ids in the same transaction as the handler's writes (the SQL store) makes a
 * consumer exactly-once in effect across restarts and replays.
 */
import { IdWindow } from '../embedded/id-window.ts';

/** Remembers processed event ids. */
export interface DedupeStore {
  /** Which of `ids` have NOT been processed yet. */
  unseen(ids: readonly string[]): Promise<Set<string>>;
  /** Records `ids` as processed. */
  remember(ids: readonly string[]): Promise<void>;
}

/** Ids the in-memory store keeps before forgetting the oldest. */
export const DEFAULT_DEDUPE_CAPACITY = 100_000;
/** How long the in-memory store remembers an id. */
export const DEFAULT_DEDUPE_WINDOW_MS = 10 * 60_000;

/** Options for {@link createMemoryDedupeStore}. */
export interface MemoryDedupeStoreOptions {
  /** Most recent ids kept. @default 100_000 */
  capacity?: number;
  /** Ids older than this are forgotten. @default 600_000 (10 minutes) */
  windowMs?: number;
  /** Milliseconds now. @default Date.now */
  now?: () => number;
}

/**
 * A bounded set of the most recently processed ids (oldest forgotten first). It keeps 64-bit hashes
 * in typed arrays (the embedded log's {@link IdWindow}), not the id strings: every consumer of a
 * process holds its own window, and at the default capacity the strings were ~70 bytes and one
 * heap object per id — 10 consumers of the embedded default grew toward a million objects and
 * ~70 MB; the typed arrays take ~45 bytes an id and nothing for the collector to trace.
 */
export function createMemoryDedupeStore(options: MemoryDedupeStoreOptions = {}): DedupeStore {
  // Offsets are unused (0). The time window is what keeps a quiet consumer small: with only the
  // capacity, each of the embedded default's 12 consumers filled toward 100,000 ids (~5 MB of
  // typed arrays) over its first hour — most of that process's memory growth, for redeliveries
  // that come within seconds (a NATS ack wait, a consumer restarted from its checkpoint). Across
  // restarts this store knows nothing anyway; the SQL store is what dedupes replays.
  const seen = new IdWindow(
    options.windowMs ?? DEFAULT_DEDUPE_WINDOW_MS,
    options.capacity ?? DEFAULT_DEDUPE_CAPACITY,
  );
  const now = options.now ?? Date.now;
  return {
    async unseen(ids) {
      const at = now();
      return new Set(ids.filter((id) => seen.get(id, at) === undefined));
    },
    async remember(ids) {
      const at = now();
      // Setting an id again moves it to the young end.
      for (const id of ids) seen.set(id, 0, at);
    },
  };
}
