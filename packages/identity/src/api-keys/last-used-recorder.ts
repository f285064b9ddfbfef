/**
 * @module Coalesced "last used" times for API keys: authenticating a request only updates a map;
 * a timer writes all keys used since the last flush in one repository call. A crash loses at most
 * one interval of last-used times, which only inform the user.
 */
import type { Logger } from '@tickline/kernel';
import type { ApiKeyRepository } from '../repository/identity-repository.ts';

/** How often used keys are written. */
export const DEFAULT_LAST_USED_FLUSH_INTERVAL_MS = 60_000;

export interface LastUsedRecorder {
  /** Notes a use; no I/O. */
  note(keyId: string, at: Date): void;
  /** Writes what is pending; on failure keeps it for the next flush. */
  flush(): Promise<void>;
  /** Stops the timer and flushes. */
  close(): Promise<void>;
  pending(): number;
}

export function createLastUsedRecorder(
  repository: Pick<ApiKeyRepository, 'recordApiKeyUse'>,
  logger: Logger,
  flushIntervalMs: number = DEFAULT_LAST_USED_FLUSH_INTERVAL_MS,
): LastUsedRecorder {
  let pending = new Map<string, Date>();
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> = Promise.resolve();

  async function write(): Promise<void> {
    if (pending.size === 0) return;
    const batch = pending;
    pending = new Map();
    try {
      await repository.recordApiKeyUse([...batch].map(([id, at]) => ({ id, at })));
    } catch (error) {
      logger.warn({ err: error, keys: batch.size }, 'api key last-used flush failed; will retry');
      for (const [id, at] of batch) if (!pending.has(id)) pending.set(id, at);
    }
  }

  function flush(): Promise<void> {
    flushing = flushing.then(write);
    return flushing;
  }

  return {
    note(keyId, at) {
      const previous = pending.get(keyId);
      if (!previous || previous < at) pending.set(keyId, at);
      if (!timer) {
        // Unref'd: pending last-used times must never keep a process alive.
        timer = setInterval(() => void flush(), flushIntervalMs);
        timer.unref();
      }
    },
    flush,
    async close() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await flush();
    },
    pending: () => pending.size,
  };
}
