/**
 * @module Stores the live runs' checkpoints that moved since the last write: called after each
 * batch of candles and at each sync — a run left behind by its wave (wave-box.ts) settles after
 * its batch, maybe on the last candle, and no batch comes after it.
 */
import type { LiveCheckpoint } from './live-store.ts';

/**
 * A writer of the checkpoints `current()` gives (LiveRunner.checkpoints) that `owns` says are this
 * process's, each stored once per candle and count (a run on two feeds settles a close twice).
 */
export function checkpointWriter(
  current: () => readonly LiveCheckpoint[],
  owns: (runId: string) => boolean,
  store: (points: readonly LiveCheckpoint[]) => Promise<void>,
): () => Promise<void> {
  const saved = new Map<string, string>();
  const key = (p: LiveCheckpoint) => `${p.atMs}/${p.candles}`;
  return async () => {
    const points = current().filter((p) => saved.get(p.id) !== key(p) && owns(p.id));
    await store(points);
    for (const p of points) saved.set(p.id, key(p));
  };
}
